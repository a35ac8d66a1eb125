/*
 * ui.c - the interactive screen: process list, detail view, help, prompts
 * and the refresh clock. Data comes from proctable/view; text views are
 * drawn through a ui_sink so that batch mode shares them.
 */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "columns.h"
#include "detail.h"
#include "keys.h"
#include "proctable.h"
#include "report.h"
#include "sites.h"
#include "switches.h"
#include "threads.h"
#include "ui_colors.h"
#include "ui_sink.h"
#include "view.h"

#define KEY_ESC 27
#define CTRL_L 12
#define SWITCH_WAIT_MS 300

enum ui_screen { SCR_LIST, SCR_DETAIL, SCR_THREADS, SCR_SITES, SCR_HELP };

struct ui {
	struct proctable pt;
	struct view v;
	enum ui_screen screen, before_help, before_threads;
	pid_t selected_pid;   /* follows the process across re-sorts */
	int selected;         /* row index in v */
	int top;              /* first row shown */
	int first_col;        /* Left/Right: first scrollable column shown */
	int more_right;       /* the layout left columns out on the right */
	int header_rows;      /* title, Total line(s), message */
	pid_t detail_pid;
	int detail_scroll, detail_lines;
	int detail_follow; /* End pressed: stay at the bottom as content grows */
	pid_t threads_pid;
	int threads_scroll, threads_lines;
	struct sites_state *sites; /* the heap sites view (H), made when first used */
	int help_scroll, help_lines;
	int paused;
	double delay;
	int utf8;
	char msg[320];
	int msg_bad;
};

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

/*
 * A fatal signal (a crash, abort, SIGQUIT) must not leave the terminal in
 * curses mode. The handler can only use async-signal-safe calls, so what
 * endwin() would send is prepared while curses runs: leave the keypad
 * mode and the alternate screen, show the cursor, reset attributes; then
 * the terminal modes saved before initscr are set back and the signal is
 * raised again with its default action (core dump, exit status).
 */
static struct termios saved_tty;
static int have_saved_tty;
static char restore_seq[256];
static size_t restore_len;
static volatile sig_atomic_t curses_active;

static void add_restore(const char *cap)
{
	const char *seq = tigetstr(cap);
	if (!seq || seq == (char *)-1)
		return;
	size_t n = strlen(seq);
	if (restore_len + n < sizeof(restore_seq)) {
		memcpy(restore_seq + restore_len, seq, n);
		restore_len += n;
	}
}

static void prepare_restore(void)
{
	restore_len = 0;
	add_restore("sgr0");
	add_restore("cnorm");
	add_restore("rmkx");
	add_restore("rmcup");
}

static void on_fatal_signal(int sig)
{
	int saved_errno = errno;
	if (curses_active) {
		ssize_t w = write(STDOUT_FILENO, restore_seq, restore_len);
		(void)w;
		if (have_saved_tty)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		curses_active = 0;
	}
	errno = saved_errno;
	/* SA_RESETHAND already made the action the default one */
	raise(sig);
}

static const int fatal_signals[] = { SIGBUS, SIGSEGV, SIGABRT, SIGQUIT, SIGFPE, SIGILL,
				     SIGTRAP, SIGSYS };

/* Installed before initscr so that curses keeps them: a quit signal makes
 * getch return, and the loop then leaves through endwin(). */
static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	have_saved_tty = tcgetattr(STDIN_FILENO, &saved_tty) == 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_msg(struct ui *u, int bad, const char *text)
{
	snprintf(u->msg, sizeof(u->msg), "%s", text);
	u->msg_bad = bad;
}

/* The list starts below the header block and the column header. */
static int list_first_row(const struct ui *u)
{
	return u->header_rows + 1;
}

static int list_height(const struct ui *u)
{
	int h = LINES - list_first_row(u);
	return h > 1 ? h : 1;
}

/* Re-select the same process after the rows moved; clamp the window. */
static void fix_selection(struct ui *u)
{
	int idx = u->selected_pid ? view_index_of(&u->v, u->selected_pid) : -1;
	if (idx >= 0)
		u->selected = idx;
	if (u->selected >= (int)u->v.nrows)
		u->selected = (int)u->v.nrows - 1;
	if (u->selected < 0)
		u->selected = 0;
	u->selected_pid = u->v.nrows ? u->v.rows[u->selected]->pid : 0;
	if (u->selected < u->top)
		u->top = u->selected;
	if (u->selected >= u->top + list_height(u))
		u->top = u->selected - list_height(u) + 1;
	if (u->top < 0)
		u->top = 0;
}

static void rebuild(struct ui *u)
{
	view_build(&u->v, &u->pt);
	fix_selection(u);
}

static void refresh_data(struct ui *u)
{
	proctable_refresh(&u->pt);
	rebuild(u);
}

/* Text is laid out to fit COLS - 1 (the last column stays blank, so that
 * nothing is ever cut at the edge of the terminal). */
static int text_width(void)
{
	return COLS > 1 ? COLS - 1 : 1;
}

static void draw_line(int row, int attr, const char *raw)
{
	char text[4096];
	text_escape(text, sizeof(text), raw); /* cells are escaped already */
	move(row, 0);
	clrtoeol();
	attrset(attr);
	addnstr(text, text_width());
	attrset(A_NORMAL);
}

/* Title, Total line(s) and the message line; sets u->header_rows. */
static void draw_header_block(struct ui *u)
{
	char line[1024], totals[2][256];
	int row = 0;
	report_title_fit(&u->pt, &u->v, u->delay, u->paused, text_width(), line, sizeof(line));
	draw_line(row++, ui_style_attr(ST_TITLE), line);
	int n = report_totals_fit(&u->v, text_width(), totals);
	for (int i = 0; i < n; i++)
		draw_line(row++, A_NORMAL, totals[i]);
	if (u->msg[0]) {
		snprintf(line, sizeof(line), "%s", u->msg);
		report_fit(line, text_width(), " ");
		draw_line(row++, ui_style_attr(u->msg_bad ? ST_BAD : ST_GOOD), line);
	} else if (report_note(&u->pt, 0, line, sizeof(line))) {
		report_fit(line, text_width(), " ");
		draw_line(row++, ui_style_attr(ST_WARN), line);
	} else {
		snprintf(line, sizeof(line), "%s",
			 u->screen == SCR_LIST
				 ? "h:help  q:quit  Enter:detail  t:threads  </>:sort  R:reverse  /:filter  "
				   "x:stale  j z c u o g:checks"
				 : "h:help  q:quit  Esc:back  Up/Down/PgUp/PgDn:scroll  t:threads  j z c u o g:checks");
		report_fit(line, text_width(), "  ");
		draw_line(row++, ui_style_attr(ST_DIM), line);
	}
	u->header_rows = row;
}

static int row_style(const struct proc_entry *e)
{
	if (e->state != PS_OK)
		return ui_style_attr(ST_WARN);
	if (e->cur.totals.violations_total)
		return ui_style_attr(ST_BAD);
	return A_NORMAL;
}

static void draw_list(struct ui *u)
{
	char line[1024];
	struct col_layout l;
	int head = u->header_rows, first = list_first_row(u);

	columns_layout(text_width(), u->first_col, &l);
	u->more_right = l.more_right;
	columns_header_fit(&l, line, sizeof(line));
	draw_line(head, ui_style_attr(ST_HEADER), line);
	/* Mark the sort column: bold over the header colour. */
	int x = columns_layout_x(&l, u->v.sort_col);
	if (x >= 0) {
		int w = l.width[0];
		for (int i = 0; i < l.n; i++)
			if (l.col[i] == u->v.sort_col)
				w = l.width[i];
		mvchgat(head, x, w, ui_style_attr(ST_HEADER) | A_BOLD | A_UNDERLINE,
			PAIR_NUMBER(ui_style_attr(ST_HEADER)), NULL);
	}
	if (u->v.nrows == 0) {
		struct sink s;
		struct ui_sink_ctx ctx;
		for (int r = first; r < LINES; r++) {
			move(r, 0);
			clrtoeol();
		}
		ui_sink_init(&s, &ctx, first + 1, list_height(u) - 1, 0);
		report_empty(&u->pt, &u->v, &s);
		return;
	}
	for (int r = 0; r < list_height(u); r++) {
		int i = u->top + r;
		if (i >= (int)u->v.nrows) {
			move(first + r, 0);
			clrtoeol();
			continue;
		}
		columns_row_fit(u->v.rows[i], &l, line, sizeof(line));
		draw_line(first + r, i == u->selected ? ui_selected_attr() : row_style(u->v.rows[i]),
			  line);
		if (i == u->selected) /* the whole row, not just the text */
			mvchgat(first + r, 0, -1, ui_selected_attr(), 0, NULL);
	}
}

static void draw_text_view(int first_row, int *scroll, int *lines, void (*render)(struct ui *, struct sink *),
			   struct ui *u, int follow)
{
	struct sink s;
	struct ui_sink_ctx ctx;
	int height = LINES - first_row;

	for (int r = first_row; r < LINES; r++) {
		move(r, 0);
		clrtoeol();
	}
	if (height < 1)
		return;
	ui_sink_init(&s, &ctx, first_row, height, *scroll);
	render(u, &s);
	*lines = ctx.line + (ctx.col ? 1 : 0);
	/* Content shrank (or the window grew): do not leave blank space; or
	 * it grew while following the bottom: keep the bottom in view. */
	int bottom = *lines - height > 0 ? *lines - height : 0;
	if ((*scroll > 0 && *scroll > bottom) || (follow && *scroll != bottom)) {
		*scroll = bottom;
		draw_text_view(first_row, scroll, lines, render, u, 0);
	}
}

static void render_detail(struct ui *u, struct sink *s)
{
	const struct proc_entry *e = proctable_find(&u->pt, u->detail_pid);
	if (!e || e->hidden) {
		sink_line(s, ST_WARN, "Process %d has exited (its stats segment is gone).",
			  (int)u->detail_pid);
		sink_line(s, ST_NORMAL, "Press Esc to return to the process list.");
		return;
	}
	detail_render(e, s, text_width(), u->utf8);
}

static void render_threads(struct ui *u, struct sink *s)
{
	const struct proc_entry *e = proctable_find(&u->pt, u->threads_pid);
	if (!e || e->hidden) {
		sink_line(s, ST_WARN, "Process %d has exited (its stats segment is gone).",
			  (int)u->threads_pid);
		sink_line(s, ST_NORMAL, "Press Esc to go back.");
		return;
	}
	threads_render(e, s, text_width());
}

static void render_sites(struct ui *u, struct sink *s)
{
	const struct proc_entry *e = proctable_find(&u->pt, u->detail_pid);
	if (!e || e->hidden) {
		sink_line(s, ST_WARN, "Process %d has exited (its stats segment is gone).",
			  (int)u->detail_pid);
		sink_line(s, ST_NORMAL, "Press Esc to return to the process list.");
		return;
	}
	if (!u->sites)
		u->sites = sites_state_new();
	/* A new profile at most once per refresh, however often we redraw. */
	sites_render(u->sites, e, s, COLS, u->delay * 0.9);
}

static void render_help(struct ui *u, struct sink *s)
{
	(void)u;
	sink_line(s, ST_TITLE, "alloctop - live view of every process that uses liballoc");
	s->eol(s);
	sink_line(s, ST_HEADER, "%-18s %s", "KEY", "ACTION");
	for (unsigned i = 0; i < key_table_len; i++)
		sink_line(s, ST_NORMAL, "%-18s %s", key_table[i].keys, key_table[i].what);
	s->eol(s);
	sink_line(s, ST_HEADER, "%-18s %s", "COLUMN (sort key)", "MEANING");
	for (int c = 0; c < COL_COUNT; c++)
		sink_line(s, ST_NORMAL, "%-14s (%c)  %s", columns[c].name, columns[c].sort_key,
			  columns[c].help);
	s->eol(s);
	sink_line(s, ST_DIM, "CHECKS shows the checks in force: junk, rzN (redzone bytes), free");
	sink_line(s, ST_DIM, "(check_free), qSIZE (quarantine), report/ignore (on_error), guard/N");
	sink_line(s, ST_DIM, "(guard_sample, when not the default or off); * = pending.");
	sink_line(s, ST_DIM, "Switches need the same user as the process (or root).");
	s->eol(s);
	sink_line(s, ST_NORMAL, "Press any key to return.  See alloctop(1).");
}

static void draw(struct ui *u)
{
	switch (u->screen) {
	case SCR_LIST:
		draw_header_block(u);
		draw_list(u);
		break;
	case SCR_DETAIL:
		draw_header_block(u);
		draw_text_view(u->header_rows, &u->detail_scroll, &u->detail_lines, render_detail, u,
			       u->detail_follow);
		break;
	case SCR_THREADS:
		draw_header_block(u);
		draw_text_view(u->header_rows, &u->threads_scroll, &u->threads_lines, render_threads, u, 0);
		break;
	case SCR_SITES:
		draw_header_block(u);
		draw_text_view(3, &u->detail_scroll, &u->detail_lines, render_sites, u, 0);
		break;
	case SCR_HELP:
		draw_text_view(0, &u->help_scroll, &u->help_lines, render_help, u, 0);
		break;
	}
	refresh();
}

/*
 * Read a line at the bottom of the screen. on_change (may be NULL) sees
 * every edit, so a filter applies while it is typed. Returns 1 on Enter,
 * 0 on Esc (buf then holds what was typed).
 */
static int prompt(struct ui *u, const char *label, char *buf, size_t len,
		  void (*on_change)(struct ui *, const char *))
{
	size_t n = strlen(buf);
	int result = -1;

	timeout(-1);
	curs_set(1);
	while (result < 0 && !quit_signal) {
		move(LINES - 1, 0);
		clrtoeol();
		attrset(ui_style_attr(ST_TITLE));
		addstr(label);
		attrset(A_NORMAL);
		if (COLS - (int)strlen(label) - 1 > 0) /* a negative n means "all" */
			addnstr(buf, COLS - (int)strlen(label) - 1);
		refresh();
		int ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			result = 1;
		else if (ch == KEY_ESC)
			result = 0;
		else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = 0;
		else if (ch >= 0x20 && ch < 0x7f && n + 1 < len) {
			buf[n++] = (char)ch;
			buf[n] = 0;
		} else if (ch == KEY_RESIZE) {
			draw(u);
			continue;
		} else {
			continue;
		}
		if (on_change && result < 0) {
			on_change(u, buf);
			draw(u);
		}
	}
	curs_set(0);
	return result == 1;
}

static void apply_filter(struct ui *u, const char *text)
{
	snprintf(u->v.filter, sizeof(u->v.filter), "%s", text);
	u->top = 0;
	rebuild(u);
}

static void prompt_filter(struct ui *u)
{
	char buf[sizeof(u->v.filter)];
	char old[sizeof(u->v.filter)];
	snprintf(old, sizeof(old), "%s", u->v.filter);
	snprintf(buf, sizeof(buf), "%s", u->v.filter);
	if (!prompt(u, "Filter by name (Enter applies, Esc cancels): ", buf, sizeof(buf), apply_filter))
		apply_filter(u, old);
	set_msg(u, 0, u->v.filter[0] ? "filter set (Esc clears it)" : "filter cleared");
}

static void prompt_delay(struct ui *u)
{
	char buf[32] = "";
	double d;
	char text[96];
	if (!prompt(u, "Refresh delay in seconds: ", buf, sizeof(buf), NULL) || !buf[0])
		return;
	if (options_parse_delay(buf, &d)) {
		snprintf(text, sizeof(text), "invalid delay '%s' (0.1 to 3600 seconds)", buf);
		set_msg(u, 1, text);
		return;
	}
	u->delay = d;
	snprintf(text, sizeof(text), "refresh delay now %.1f s", d);
	set_msg(u, 0, text);
}

static void set_sort(struct ui *u, int col)
{
	char text[96];
	if (u->v.sort_col == col)
		u->v.reverse = !u->v.reverse; /* again on the same column flips it */
	else
		u->v.reverse = 0;
	u->v.sort_col = col;
	rebuild(u);
	snprintf(text, sizeof(text), "sorted by %s, %s", columns[col].name,
		 view_descending(&u->v) ? "largest first" : "smallest first");
	set_msg(u, 0, text);
}

static const struct proc_entry *target_process(struct ui *u)
{
	pid_t pid = u->screen == SCR_DETAIL    ? u->detail_pid
		    : u->screen == SCR_THREADS ? u->threads_pid
					       : u->selected_pid;
	const struct proc_entry *e = pid ? proctable_find(&u->pt, pid) : NULL;
	return e && !e->hidden ? e : NULL;
}

/* A check key changes another process: ask first, naming the process and
 * the change (y/n), then switch. */
static void toggle_switch(struct ui *u, int key)
{
	const struct proc_entry *e = target_process(u);
	char text[sizeof(u->msg)], setting[64], question[160], answer[4] = "";
	if (!e) {
		set_msg(u, 1, "no process selected");
		return;
	}
	pid_t pid = e->pid;
	if (switch_setting(&e->cur.control.applied, key, setting, sizeof(setting))) {
		snprintf(question, sizeof(question), "set %s in pid %d (%.32s)? y/n: ", setting,
			 (int)pid, e->cur.exe);
		if (!prompt(u, question, answer, sizeof(answer), NULL) ||
		    (answer[0] != 'y' && answer[0] != 'Y')) {
			set_msg(u, 0, "checks unchanged");
			return;
		}
		e = proctable_find(&u->pt, pid); /* the table may have been refreshed */
		if (!e) {
			set_msg(u, 1, "the process is gone");
			return;
		}
	}
	int rc = switch_toggle(e, key, SWITCH_WAIT_MS, text, sizeof(text));
	set_msg(u, rc != 0, text);
	refresh_data(u); /* show the new state at once */
}

/* g: set guard_sample on the selected process, after a y/n naming the
 * process and the change (a rate of 1 makes every allocation slower). */
static void set_guard_rate(struct ui *u)
{
	const struct proc_entry *e = target_process(u);
	char text[sizeof(u->msg)], buf[16] = "", setting[48], question[160], answer[4] = "";
	if (!e) {
		set_msg(u, 1, "no process selected");
		return;
	}
	pid_t pid = e->pid;
	snprintf(question, sizeof(question),
		 "guard_sample for pid %d (%.32s), now %u (1 = every allocation, 0 = off): ", (int)pid,
		 e->cur.exe, e->cur.control.applied.guard_sample);
	if (!prompt(u, question, buf, sizeof(buf), NULL) || !buf[0])
		return;
	if (switch_guard_rate(buf, setting, sizeof(setting))) {
		snprintf(text, sizeof(text), "invalid rate '%s' (a number, 0 = off)", buf);
		set_msg(u, 1, text);
		return;
	}
	snprintf(question, sizeof(question), "set %s in pid %d (%.32s)? y/n: ", setting, (int)pid,
		 e->cur.exe);
	if (!prompt(u, question, answer, sizeof(answer), NULL) || (answer[0] != 'y' && answer[0] != 'Y')) {
		set_msg(u, 0, "guard_sample unchanged");
		return;
	}
	e = proctable_find(&u->pt, pid); /* the table may have been refreshed meanwhile */
	if (!e) {
		set_msg(u, 1, "the process is gone");
		return;
	}
	int rc = switch_send(e, setting, SWITCH_WAIT_MS, text, sizeof(text));
	set_msg(u, rc != 0, text);
	refresh_data(u);
}

static void move_selection(struct ui *u, int delta)
{
	if (!u->v.nrows)
		return;
	u->selected += delta;
	if (u->selected < 0)
		u->selected = 0;
	if (u->selected >= (int)u->v.nrows)
		u->selected = (int)u->v.nrows - 1;
	u->selected_pid = u->v.rows[u->selected]->pid;
	fix_selection(u);
}

static void scroll_text(struct ui *u, int *scroll, int lines, int delta)
{
	int max = lines - (LINES - u->header_rows);
	*scroll += delta;
	if (*scroll > max)
		*scroll = max;
	if (*scroll < 0)
		*scroll = 0;
}

/* Keys of the list and detail screens; returns 1 to quit. */
static int handle_key(struct ui *u, int ch)
{
	int col;

	if (u->screen == SCR_HELP) {
		if (ch == KEY_RESIZE)
			return 0;
		if (ch == KEY_DOWN || ch == KEY_NPAGE) {
			scroll_text(u, &u->help_scroll, u->help_lines + u->header_rows, ch == KEY_DOWN ? 1 : LINES - 1);
			return 0;
		}
		if (ch == KEY_UP || ch == KEY_PPAGE) {
			scroll_text(u, &u->help_scroll, u->help_lines + u->header_rows, ch == KEY_UP ? -1 : -(LINES - 1));
			return 0;
		}
		if (ch == KEY_F(10))
			return 1;
		u->screen = u->before_help; /* any other key, q included, closes help */
		return 0;
	}
	if (ch != KEY_RESIZE)
		u->msg[0] = 0;
	switch (ch) {
	case 'q':
	case KEY_F(10):
		return 1;
	case 'h':
	case '?':
	case KEY_F(1):
		u->before_help = u->screen;
		u->screen = SCR_HELP;
		u->help_scroll = 0;
		return 0;
	case 'p':
	case ' ':
		u->paused = !u->paused;
		set_msg(u, 0, u->paused ? "paused (p or space resumes)" : "resumed");
		return 0;
	case 'd':
	case 's':
		prompt_delay(u);
		return 0;
	case CTRL_L:
		clearok(curscr, TRUE);
		return 0;
	case KEY_RESIZE:
		fix_selection(u);
		return 0;
	case 't':
		if (u->screen == SCR_THREADS || !(u->screen == SCR_DETAIL || u->v.nrows))
			return 0;
		u->threads_pid = u->screen == SCR_DETAIL ? u->detail_pid : u->selected_pid;
		u->before_threads = u->screen;
		u->threads_scroll = 0;
		u->screen = SCR_THREADS;
		return 0;
	case 'x':
		u->v.show_stale = !u->v.show_stale;
		rebuild(u);
		set_msg(u, 0, u->v.show_stale ? "stale segments shown (x hides them)"
					      : "stale segments hidden (x shows them)");
		return 0;
	}
	if (switch_is_key(ch)) {
		toggle_switch(u, ch);
		return 0;
	}
	if (ch == SWITCH_GUARD_KEY) {
		set_guard_rate(u);
		return 0;
	}
	if (u->screen == SCR_THREADS) {
		int page = LINES - u->header_rows - 1;
		switch (ch) {
		case KEY_ESC:
		case KEY_BACKSPACE:
		case 127:
		case 8:
		case KEY_LEFT:
			u->screen = u->before_threads;
			break;
		case KEY_UP: scroll_text(u, &u->threads_scroll, u->threads_lines, -1); break;
		case KEY_DOWN: scroll_text(u, &u->threads_scroll, u->threads_lines, 1); break;
		case KEY_PPAGE: scroll_text(u, &u->threads_scroll, u->threads_lines, -page); break;
		case KEY_NPAGE: scroll_text(u, &u->threads_scroll, u->threads_lines, page); break;
		case KEY_HOME: u->threads_scroll = 0; break;
		case KEY_END: scroll_text(u, &u->threads_scroll, u->threads_lines, u->threads_lines); break;
		}
		return 0;
	}
	if (ch == 'H' && (u->v.nrows || u->screen != SCR_LIST)) {
		if (u->screen == SCR_LIST)
			u->detail_pid = u->selected_pid;
		u->detail_scroll = 0;
		u->detail_follow = 0;
		u->screen = u->screen == SCR_SITES ? SCR_DETAIL : SCR_SITES;
		return 0;
	}
	if (u->screen == SCR_DETAIL || u->screen == SCR_SITES) {
		int page = LINES - u->header_rows - 1;
		switch (ch) {
		case KEY_ESC:
		case KEY_BACKSPACE:
		case 127:
		case 8:
		case KEY_LEFT:
			u->screen = SCR_LIST;
			break;
		case KEY_UP: u->detail_follow = 0; scroll_text(u, &u->detail_scroll, u->detail_lines, -1); break;
		case KEY_DOWN: scroll_text(u, &u->detail_scroll, u->detail_lines, 1); break;
		case KEY_PPAGE: u->detail_follow = 0; scroll_text(u, &u->detail_scroll, u->detail_lines, -page); break;
		case KEY_NPAGE: scroll_text(u, &u->detail_scroll, u->detail_lines, page); break;
		case KEY_HOME: u->detail_follow = 0; u->detail_scroll = 0; break;
		case KEY_END:
			u->detail_follow = 1;
			scroll_text(u, &u->detail_scroll, u->detail_lines, u->detail_lines);
			break;
		}
		return 0;
	}
	switch (ch) {
	case KEY_UP: move_selection(u, -1); return 0;
	case KEY_DOWN: move_selection(u, 1); return 0;
	case KEY_PPAGE: move_selection(u, -list_height(u)); return 0;
	case KEY_NPAGE: move_selection(u, list_height(u)); return 0;
	case KEY_HOME: move_selection(u, -(int)u->v.nrows); return 0;
	case KEY_END: move_selection(u, (int)u->v.nrows); return 0;
	case KEY_LEFT: /* whole columns, so that none is shown in part */
		if (u->first_col > 0)
			u->first_col--;
		return 0;
	case KEY_RIGHT:
		if (u->more_right)
			u->first_col++;
		return 0;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (u->v.nrows) {
			u->detail_pid = u->selected_pid;
			u->detail_scroll = 0;
			u->detail_follow = 0;
			u->screen = SCR_DETAIL;
		}
		return 0;
	case KEY_ESC:
		if (u->v.filter[0]) {
			apply_filter(u, "");
			set_msg(u, 0, "filter cleared");
		}
		return 0;
	case '/':
	case 'f':
		prompt_filter(u);
		return 0;
	case '<':
		set_sort(u, (u->v.sort_col + COL_COUNT - 1) % COL_COUNT);
		return 0;
	case '>':
		set_sort(u, (u->v.sort_col + 1) % COL_COUNT);
		return 0;
	case 'R':
	case 'I':
		u->v.reverse = !u->v.reverse;
		rebuild(u);
		set_msg(u, 0, view_descending(&u->v) ? "largest first" : "smallest first");
		return 0;
	}
	col = column_by_key(ch);
	if (col >= 0)
		set_sort(u, col);
	return 0;
}

static void ui_start(struct ui *u)
{
	const char *cs;
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	u->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	install_signals();
	set_escdelay(25); /* Esc should feel immediate */
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	ui_colors_init();
	text_escape_flags = u->utf8 ? AS_ESC_UTF8 : 0;
	prepare_restore();
	curses_active = 1;
}

int ui_run(const struct options *o)
{
	struct ui u;
	long done = 0;
	double next;

	memset(&u, 0, sizeof(u));
	u.delay = o->delay;
	proctable_init(&u.pt, o->dir, o->npids ? o->pids : NULL, o->npids);
	view_init(&u.v, o->sort_col);
	u.v.reverse = o->reverse;
	u.v.show_stale = o->show_stale;
	u.header_rows = 3;
	snprintf(u.v.filter, sizeof(u.v.filter), "%s", o->filter);
	ui_start(&u);

	refresh_data(&u);
	next = now_seconds() + u.delay;
	while (!quit_signal) {
		draw(&u);
		int wait_ms = (int)((next - now_seconds()) * 1000);
		timeout(wait_ms > 0 ? wait_ms : 0);
		int ch = getch();
		if (quit_signal)
			break;
		if (ch != ERR && handle_key(&u, ch))
			break;
		if (now_seconds() >= next) {
			if (!u.paused) {
				refresh_data(&u);
				if (o->iterations && ++done >= o->iterations)
					break;
			}
			next = now_seconds() + u.delay;
		}
	}
	curses_active = 0;
	endwin();
	sites_state_free(u.sites);
	view_free(&u.v);
	proctable_free(&u.pt);
	if (quit_signal == SIGINT || quit_signal == SIGTERM || quit_signal == SIGHUP) {
		/* Leave like the signal would have, with the terminal restored. */
		signal(quit_signal, SIG_DFL);
		raise(quit_signal);
	}
	return 0;
}
