// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// WHAT: an array of derived objects deleted with delete[] through a base pointer: the sized delete[] is told 3 x sizeof(Base) plus the cookie, not the 620-byte block
#include "bug_support.h"

struct Base {
	int id;
	~Base() {} /* not trivial: new[] keeps the count in a cookie */
};
struct Derived : Base {
	char name[200];
};

int main(void)
{
	Derived *d = new Derived[3];
	for (int i = 0; i < 3; i++)
		d[i].id = i;
	Base *b = static_cast<Base *>(bug_opaque(d));
	/* the block starts at the cookie, before the first element */
	bug_mark("array", (char *)b - sizeof(size_t), 3 * sizeof(Derived) + sizeof(size_t));
	delete[] b;
	return bug_finish();
}
