// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// RING: yes
// WHAT: a derived object deleted through a base pointer without a virtual destructor: the sized delete is told sizeof(Base), 4 bytes, for a 204-byte block
#include "bug_support.h"

struct Base {
	int id;
};
struct Derived : Base {
	char name[200];
};

int main(void)
{
	Derived *d = new Derived;
	d->id = 1;
	memset(d->name, 'n', sizeof d->name);
	Base *b = static_cast<Base *>(bug_opaque(d));
	bug_mark("derived", b, sizeof(Derived));
	delete b;
	return bug_finish();
}
