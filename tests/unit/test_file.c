/*
 * Unit tests for lib/ntp_esc.c (outside text escaped for terminals) and
 * lib/ntp_file.c (a log opened with care, write errors reported).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_esc.h"
#include "ntp_file.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/test_file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
}

static void
teardown(void)
{
	char p[160];

	unlink(path);
	snprintf(p, sizeof(p), "%s/target", dir);
	unlink(p);
	rmdir(dir);
}

/* ---- ntp_esc ---------------------------------------------------------- */

START_TEST(test_esc_printable_kept)
{
	char buf[64];

	ck_assert_str_eq(ntp_esc(buf, sizeof(buf), "ntp.example-1.org"),
	    "ntp.example-1.org");
	ck_assert_str_eq(ntp_esc(buf, sizeof(buf), "a b~"), "a b~");
}
END_TEST

/* ESC, CR, LF, DEL, 8-bit bytes and the backslash itself. */
START_TEST(test_esc_controls_and_8bit)
{
	char buf[128];

	ck_assert_str_eq(ntp_esc(buf, sizeof(buf), "a\x1b[31mb\r\n"),
	    "a\\x1b[31mb\\x0d\\x0a");
	ck_assert_str_eq(ntp_esc(buf, sizeof(buf), "\x7f\x80\xff\xc3\xa9"),
	    "\\x7f\\x80\\xff\\xc3\\xa9");
	ck_assert_str_eq(ntp_esc(buf, sizeof(buf), "a\\x41"), "a\\\\x41");
}
END_TEST

/* Cut between whole escapes, always terminated; size 0 writes nothing. */
START_TEST(test_esc_cut)
{
	char buf[8] = "zzzzzzz";

	ck_assert_str_eq(ntp_esc(buf, 6, "ab\x1b" "cd"), "ab");
	ck_assert_str_eq(ntp_esc(buf, 7, "ab\x1b" "cd"), "ab\\x1b");
	ck_assert_str_eq(ntp_esc(buf, 1, "abc"), "");
	buf[0] = 'q';
	ntp_esc(buf, 0, "abc");
	ck_assert_int_eq(buf[0], 'q');
	ck_assert_int_eq(NTP_ESC_SIZE(3), 13);
}
END_TEST

/* ---- ntp_file_append -------------------------------------------------- */

START_TEST(test_append_creates_and_appends)
{
	FILE *f;
	char buf[32];
	int err, fd;

	ck_assert_ptr_nonnull(f = ntp_file_append(path, &err));
	fputs("one\n", f);
	ck_assert_int_eq(ntp_file_close(f), 0);
	ck_assert_ptr_nonnull(f = ntp_file_append(path, &err));
	fputs("two\n", f);
	ck_assert_int_eq(ntp_file_close(f), 0);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 8);
	close(fd);
	ck_assert_mem_eq(buf, "one\ntwo\n", 8);
}
END_TEST

START_TEST(test_append_refuses_symlink)
{
	char target[160];
	struct stat st;
	int err = 0;

	snprintf(target, sizeof(target), "%s/target", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_ptr_null(ntp_file_append(path, &err));
	ck_assert_int_eq(err, ELOOP);
	ck_assert_int_ne(stat(target, &st), 0);	/* not created */
	ck_assert_str_eq(ntp_file_strerror(err),
	    "is a symbolic link; not followed");
}
END_TEST

/* A FIFO without a reader: refused at once, not waited on. */
START_TEST(test_append_refuses_fifo_without_waiting)
{
	int err = 0;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(5);
	ck_assert_ptr_null(ntp_file_append(path, &err));
	alarm(0);
	ck_assert_int_eq(err, NTP_FILE_ENOTREG);
}
END_TEST

/* A device (with a reader, a FIFO would open): not a regular file. */
START_TEST(test_append_refuses_devices)
{
	int err = 0;

	ck_assert_ptr_null(ntp_file_append("/dev/null", &err));
	ck_assert_int_eq(err, NTP_FILE_ENOTREG);
	ck_assert_ptr_null(ntp_file_append(dir, &err));
	ck_assert_int_eq(err, EISDIR);
}
END_TEST

/* A write that fails (a full disk) is reported at close. */
START_TEST(test_close_reports_write_error)
{
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	fputs("lost\n", f);
	ck_assert_int_eq(ntp_file_close(f), ENOSPC);
	f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	fputs("lost\n", f);		/* fails now, flag set */
	ck_assert_int_eq(ntp_file_close(f), NTP_FILE_EWRITE);
	ck_assert_str_eq(ntp_file_strerror(NTP_FILE_EWRITE), "a write failed");
}
END_TEST

/* ---- ntp_stdio_guard, ntp_stdout_close ------------------------------- */

/*
 * In a child with stdout closed: the guard fills fd 1 with /dev/full (so
 * no socket can take it), says so, and closing stdout after a write
 * reports EBADF ("it is closed").  The child's exit status carries the
 * verdict: 0 when every step held.
 */
START_TEST(test_guard_fills_closed_stdout)
{
	struct stat st, full;
	pid_t pid;
	int status, bits;

	ck_assert_int_eq(stat("/dev/full", &full), 0);
	fflush(stdout);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		close(1);
		bits = ntp_stdio_guard();
		if (!(bits & NTP_STDOUT_CLOSED))
			_exit(1);
		if (fstat(1, &st) != 0 || st.st_rdev != full.st_rdev)
			_exit(2);
		printf("lost\n");
		_exit(ntp_stdout_close(bits) == EBADF ? 0 : 3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* stdout open: the guard leaves it and does not call it closed. */
START_TEST(test_guard_leaves_open_fds)
{
	pid_t pid;
	int status;

	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0)
		_exit(ntp_stdio_guard() & NTP_STDOUT_CLOSED ? 1 : 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static Suite *
file_suite(void)
{
	Suite *s = suite_create("ntp_file");
	TCase *esc = tcase_create("esc");
	TCase *file = tcase_create("file");

	tcase_add_test(esc, test_esc_printable_kept);
	tcase_add_test(esc, test_esc_controls_and_8bit);
	tcase_add_test(esc, test_esc_cut);
	suite_add_tcase(s, esc);
	tcase_add_checked_fixture(file, setup, teardown);
	tcase_add_test(file, test_append_creates_and_appends);
	tcase_add_test(file, test_append_refuses_symlink);
	tcase_add_test(file, test_append_refuses_fifo_without_waiting);
	tcase_add_test(file, test_append_refuses_devices);
	tcase_add_test(file, test_close_reports_write_error);
	tcase_add_test(file, test_guard_fills_closed_stdout);
	tcase_add_test(file, test_guard_leaves_open_fds);
	suite_add_tcase(s, file);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(file_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
