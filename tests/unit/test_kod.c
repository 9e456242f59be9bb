/*
 * Unit tests for lib/ntp_kod.c: the Kiss-o'-Death database file.
 *
 * Every test works in its own temporary directory.  The garbage test is
 * randomised: it prints its seed, and SEED=N replays one.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntp_kod.h"

#define NOW	1795300000LL	/* 2026-11-21, any fixed time will do */

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/test_kod.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kod", dir);
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
teardown(void)
{
	chmod(dir, 0700);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
write_file(const char *p, const char *text, size_t len)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
write_text(const char *text)
{
	write_file(path, text, strlen(text));
}

/* Load path as of now, expecting success. */
static void
load_ok(struct ntp_kod_db *db, int64_t now)
{
	int err = -2;

	ck_assert_int_eq(ntp_kod_load(db, path, now, &err), 0);
	ck_assert_int_eq(err, 0);
}

static size_t
files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

START_TEST(test_missing_file_is_empty)
{
	struct ntp_kod_db db;
	int err;

	load_ok(&db, NOW);
	ck_assert_uint_eq(db.n, 0);
	ck_assert_int_eq(db.disabled, 0);
	ck_assert_ptr_null(ntp_kod_lookup(&db, "127.0.0.1"));
	/* Nothing added: nothing written. */
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_add_lookup_and_reload)
{
	struct ntp_kod_db db;
	const struct ntp_kod_entry *e;
	int err;

	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.7", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_add(&db, "2001:db8::1", NOW - 5, "RSTR",
	    &err), 0);
	ck_assert_ptr_nonnull(e = ntp_kod_lookup(&db, "192.0.2.7"));
	ck_assert_str_eq(e->code, "DENY");
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ntp_kod_free(&db);

	load_ok(&db, NOW + 60);
	ck_assert_uint_eq(db.n, 2);
	ck_assert_ptr_nonnull(e = ntp_kod_lookup(&db, "192.0.2.7"));
	ck_assert_int_eq(e->when, NOW);
	ck_assert_str_eq(e->code, "DENY");
	ck_assert_ptr_nonnull(e = ntp_kod_lookup(&db, "2001:db8::1"));
	ck_assert_int_eq(e->when, NOW - 5);
	ck_assert_str_eq(e->code, "RSTR");
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.8"));
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_file_format_is_one_line_per_entry)
{
	struct ntp_kod_db db;
	char buf[256];
	FILE *f;
	int err;

	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "127.0.0.3", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ntp_kod_free(&db);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_int_eq(buf[0], '#');
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_str_eq(buf, "127.0.0.3 1795300000 DENY\n");
	ck_assert_ptr_null(fgets(buf, sizeof(buf), f));
	fclose(f);
}
END_TEST

START_TEST(test_entry_expires_after_a_day)
{
	struct ntp_kod_db db;

	write_text("192.0.2.1 1795300000 DENY\n");
	load_ok(&db, NOW + NTP_KOD_MAXAGE);
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "192.0.2.1"));
	ntp_kod_free(&db);
	load_ok(&db, NOW + NTP_KOD_MAXAGE + 1);
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.1"));
	ck_assert_uint_eq(db.n, 0);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_future_entry_dropped)
{
	struct ntp_kod_db db;

	write_text("192.0.2.1 1795300010 DENY\n"
	    "192.0.2.2 1795300011 DENY\n"
	    "192.0.2.3 2795300000 DENY\n");
	load_ok(&db, NOW);
	/* A few seconds of clock difference are tolerated. */
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "192.0.2.1"));
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.2"));
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.3"));
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_expired_entries_not_written_back)
{
	struct ntp_kod_db db;
	int err;

	write_text("192.0.2.1 1795300000 DENY\n");
	load_ok(&db, NOW + 100);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.2", NOW + 100, "RSTR",
	    &err), 0);
	/* Saved a day later: the first entry has expired meanwhile. */
	ck_assert_int_eq(ntp_kod_save(&db, NOW + NTP_KOD_MAXAGE + 50, &err),
	    0);
	ntp_kod_free(&db);
	load_ok(&db, NOW + 100);
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.1"));
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "192.0.2.2"));
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_atomic_rewrite_keeps_other_entries)
{
	struct ntp_kod_db db;
	struct stat before, after;
	int err;

	write_text("# a comment\n192.0.2.1 1795299000 DENY\n"
	    "192.0.2.2 1795299500 RSTR\n");
	ck_assert_int_eq(stat(path, &before), 0);
	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.3", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ntp_kod_free(&db);
	/* Replaced by rename (a new inode), no temporary file left over. */
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert(before.st_ino != after.st_ino);
	ck_assert_uint_eq(files_in_dir(), 1);
	load_ok(&db, NOW);
	ck_assert_uint_eq(db.n, 3);
	ck_assert_int_eq(ntp_kod_lookup(&db, "192.0.2.1")->when, NOW - 1000);
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.2")->code, "RSTR");
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "192.0.2.3"));
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_new_kiss_replaces_entry)
{
	struct ntp_kod_db db;
	int err;

	write_text("192.0.2.1 1795299000 RSTR\n");
	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_uint_eq(db.n, 1);
	ck_assert_int_eq(ntp_kod_lookup(&db, "192.0.2.1")->when, NOW);
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.1")->code, "DENY");
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_duplicate_lines_newest_wins)
{
	struct ntp_kod_db db;

	write_text("192.0.2.1 1795299900 DENY\n192.0.2.1 1795299950 RSTR\n"
	    "192.0.2.1 1795299000 DENY\n");
	load_ok(&db, NOW);
	ck_assert_uint_eq(db.n, 1);
	ck_assert_int_eq(ntp_kod_lookup(&db, "192.0.2.1")->when, NOW - 50);
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.1")->code, "RSTR");
	ntp_kod_free(&db);
}
END_TEST

static const char garbage[] =
    "\n"
    "   \t \n"
    "192.0.2.1\n"
    "192.0.2.2 1795299999\n"
    "192.0.2.3 1795299999 DENY extra\n"
    "192.0.2.4 -1795299999 DENY\n"
    "192.0.2.5 +1795299999 DENY\n"
    "192.0.2.6 17952999x9 DENY\n"
    "192.0.2.7 99999999999999999999999 DENY\n"
    "192.0.2.8 1795299999 TOOLONG\n"
    "192.0.2.999 1795299999 DENY\n"
    "example.org 1795299999 DENY\n"
    "fe80::1% 1795299999 DENY\n"
    "fe80::1%eth0/x 1795299999 DENY\n"
    "1795299999 DENY 192.0.2.9\n"
    "\x01\x02\x03\xff\xfe garbage \x7f\n"
    "192.0.2.10 1795299999 DENY";	/* kept: no newline at EOF is fine */

START_TEST(test_garbage_lines_ignored)
{
	struct ntp_kod_db db;
	char text[sizeof(garbage) + 2200];
	size_t len;

	/* An over-long line, a NUL, then one good line amid garbage. */
	memset(text, 'A', 2000);
	memcpy(text + 2000, " 1795299999 DENY\n", 17);
	memcpy(text + 2017, "x\0y\n", 4);
	memcpy(text + 2021, "192.0.2.11\t1795299999 RSTR\r\n", 28);
	memcpy(text + 2049, garbage, sizeof(garbage) - 1);
	len = 2049 + sizeof(garbage) - 1;
	write_file(path, text, len);
	load_ok(&db, NOW);
	ck_assert_uint_eq(db.n, 2);
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.11")->code, "RSTR");
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.10")->code, "DENY");
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_scoped_ipv6_entry)
{
	struct ntp_kod_db db;

	write_text("fe80::1%eth0 1795299999 DENY\n");
	load_ok(&db, NOW);
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "fe80::1%eth0"));
	ntp_kod_free(&db);
}
END_TEST

static unsigned
test_seed(void)
{
	const char *s = getenv("SEED");

	return s != NULL ? (unsigned)strtoul(s, NULL, 10) :
	    (unsigned)time(NULL);
}

/* Random bytes, biased toward the file's own alphabet: never a crash,
 * every entry kept is well formed. */
START_TEST(test_random_garbage_never_crashes)
{
	static const char alpha[] = "0123456789.: \n\tDENYRST%abcdef\r#";
	struct ntp_kod_db db;
	char text[4096];
	unsigned seed = test_seed();
	size_t i, k, round;
	int err;

	printf("test_random_garbage_never_crashes: SEED=%u "
	    "(set SEED to replay)\n", seed);
	fflush(stdout);
	srandom(seed);
	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(text); i++)
			text[i] = random() % 3 ? alpha[random() %
			    (sizeof(alpha) - 1)] : (char)random();
		write_file(path, text, sizeof(text));
		if (ntp_kod_load(&db, path, NOW, &err) != 0) {
			/* Nothing parsed: not a database, not used. */
			ck_assert_int_eq(err, NTP_KOD_EFOREIGN);
			ck_assert_uint_eq(db.n, 0);
			ck_assert_int_eq(db.disabled, 1);
		}
		for (k = 0; k < db.n; k++) {
			ck_assert_uint_gt(strlen(db.e[k].addr), 0);
			ck_assert_uint_le(strlen(db.e[k].code), 4);
			ck_assert_int_le(db.e[k].when, NOW + NTP_KOD_SLACK);
		}
		ntp_kod_free(&db);
	}
}
END_TEST

START_TEST(test_directory_path_returns_error)
{
	struct ntp_kod_db db;
	int err = 0;

	ck_assert_int_eq(ntp_kod_load(&db, dir, NOW, &err), -1);
	ck_assert_int_eq(err, EISDIR);
	ck_assert_int_eq(db.disabled, 1);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_path_under_a_file_returns_error)
{
	struct ntp_kod_db db;
	char p[160];
	int err = 0;

	write_text("");
	snprintf(p, sizeof(p), "%s/kod/x", dir);
	ck_assert_int_eq(ntp_kod_load(&db, p, NOW, &err), -1);
	ck_assert_int_eq(err, ENOTDIR);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_fifo_returns_error_without_blocking)
{
	struct ntp_kod_db db;
	int err = 0;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(ntp_kod_load(&db, path, NOW, &err), -1);
	ck_assert_int_eq(err, NTP_KOD_ENOTREG);
	ck_assert_str_eq(ntp_kod_strerror(err),
	    "not a regular file; left alone");
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_unreadable_file_returns_error_and_is_kept)
{
	struct ntp_kod_db db;
	char buf[64];
	FILE *f;
	int err = 0;

	write_text("192.0.2.1 1795299999 DENY\n");
	ck_assert_int_eq(chmod(path, 0), 0);
	if ((f = fopen(path, "r")) != NULL) {	/* root reads anyway */
		fclose(f);
		chmod(path, 0644);
		return;
	}
	ck_assert_int_eq(ntp_kod_load(&db, path, NOW, &err), -1);
	ck_assert_int_eq(err, EACCES);
	/* Disabled: a new kiss must not overwrite what was not read. */
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.2", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ntp_kod_free(&db);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_str_eq(buf, "192.0.2.1 1795299999 DENY\n");
	fclose(f);
}
END_TEST

START_TEST(test_missing_directory_save_fails)
{
	struct ntp_kod_db db;
	char p[160];
	int err = 0;

	snprintf(p, sizeof(p), "%s/nodir/kod", dir);
	ck_assert_int_eq(ntp_kod_load(&db, p, NOW, &err), 0);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), -1);
	ck_assert_int_eq(err, ENOENT);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_devnull_disables)
{
	struct ntp_kod_db db;
	int err = -2;

	ck_assert_int_eq(ntp_kod_load(&db, "/dev/null", NOW, &err), 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(db.disabled, 1);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.1"));
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ck_assert_int_eq(err, 0);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_add_rejects_what_the_format_cannot_hold)
{
	struct ntp_kod_db db;
	int err;

	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "not an address", NOW, "DENY",
	    &err), -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DE Y", &err),
	    -1);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "", &err), -1);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", -1, "DENY", &err), -1);
	ck_assert_uint_eq(db.n, 0);
	ck_assert_int_eq(db.dirty, 0);
	ntp_kod_free(&db);
}
END_TEST

START_TEST(test_full_database_drops_oldest)
{
	struct ntp_kod_db db;
	char addr[32];
	int err, i;

	load_ok(&db, NOW);
	for (i = 0; i < NTP_KOD_MAXENTRIES; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		ck_assert_int_eq(ntp_kod_add(&db, addr, NOW - 1000 + i % 500,
		    "DENY", &err), 0);
	}
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_uint_eq(db.n, NTP_KOD_MAXENTRIES);
	ck_assert_ptr_nonnull(ntp_kod_lookup(&db, "192.0.2.1"));
	ck_assert_ptr_null(ntp_kod_lookup(&db, "10.0.0.0"));
	ntp_kod_free(&db);
}
END_TEST

/* A kiss replaces the entry even when the entry is dated later. */
START_TEST(test_new_kiss_replaces_newer_entry)
{
	struct ntp_kod_db db;
	int err;

	write_text("192.0.2.1 1795300005 RSTR\n");
	load_ok(&db, NOW);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_lookup(&db, "192.0.2.1")->when, NOW);
	ck_assert_str_eq(ntp_kod_lookup(&db, "192.0.2.1")->code, "DENY");
	ntp_kod_free(&db);
}
END_TEST

/* Read the whole file at p into buf; its length. */
static size_t
slurp(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* Load what is at path (expecting err), add a kiss, save: left alone. */
static void
assert_left_alone(int want_err)
{
	struct ntp_kod_db db;
	int err = 0;

	ck_assert_int_eq(ntp_kod_load(&db, path, NOW, &err), -1);
	ck_assert_int_eq(err, want_err);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
	ck_assert_ptr_null(ntp_kod_lookup(&db, "192.0.2.1"));
	ntp_kod_free(&db);
}

/* A text file that is not a database: not used, not replaced. */
START_TEST(test_foreign_text_file_left_alone)
{
	static const char text[] = "root:x:0:0:root:/root:/bin/sh\n"
	    "daemon:x:1:1::/:/usr/sbin/nologin\n";
	char back[256];

	write_text(text);
	assert_left_alone(NTP_KOD_EFOREIGN);
	ck_assert_uint_eq(slurp(path, back, sizeof(back)), strlen(text));
	ck_assert_str_eq(back, text);
}
END_TEST

/* Random bytes: left alone (the issue's case, here 4 KiB). */
START_TEST(test_random_bytes_file_left_alone)
{
	char text[4096], back[4200];
	size_t i;

	srandom(42);
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)(random() | 0x80);
	write_file(path, text, sizeof(text));
	assert_left_alone(NTP_KOD_EFOREIGN);
	ck_assert_uint_eq(slurp(path, back, sizeof(back)), sizeof(text));
	ck_assert_mem_eq(back, text, sizeof(text));
}
END_TEST

/* A file over NTP_KOD_MAXSIZE (sparse: no time spent) is not read. */
START_TEST(test_huge_file_not_read_left_alone)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1LL << 30), 0);
	close(fd);
	assert_left_alone(NTP_KOD_ETOOBIG);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1LL << 30);
}
END_TEST

/* Our header alone, an empty file, comments only: ours to replace. */
START_TEST(test_header_or_empty_is_a_database)
{
	static const char *const texts[] = {
		NTP_KOD_HEADER ": address unix-time code\n", "", "\n\n",
		"# a comment\n",
	};
	struct ntp_kod_db db;
	char back[256];
	size_t i;
	int err;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_text(texts[i]);
		load_ok(&db, NOW);
		ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY",
		    &err), 0);
		ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), 0);
		ntp_kod_free(&db);
		slurp(path, back, sizeof(back));
		ck_assert_ptr_nonnull(strstr(back,
		    "192.0.2.1 1795300000 DENY"));
	}
}
END_TEST

/* A symbolic link: not followed for reading, never replaced. */
START_TEST(test_symlink_not_followed)
{
	char target[160], back[256];

	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "precious\n", 9);
	ck_assert_int_eq(symlink(target, path), 0);
	assert_left_alone(ELOOP);
	slurp(target, back, sizeof(back));
	ck_assert_str_eq(back, "precious\n");
	ck_assert_str_eq(ntp_kod_strerror(ELOOP),
	    "a symbolic link; not followed, left alone");
}
END_TEST

/* Something put at the path after loading is not replaced. */
START_TEST(test_path_changed_since_load_not_replaced)
{
	struct ntp_kod_db db;
	char target[160];
	int err;

	load_ok(&db, NOW);			/* absent */
	snprintf(target, sizeof(target), "%s/target", dir);
	write_file(target, "precious\n", 9);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), -1);
	ck_assert_int_eq(err, NTP_KOD_ECHANGED);
	ntp_kod_free(&db);
	/* A different file under the same name, too. */
	ck_assert_int_eq(unlink(path), 0);
	write_text("192.0.2.7 1795299999 DENY\n");
	load_ok(&db, NOW);
	ck_assert_int_eq(unlink(path), 0);
	write_text("192.0.2.88 1795299999 DENY\n");
	ck_assert_int_eq(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err), 0);
	ck_assert_int_eq(ntp_kod_save(&db, NOW, &err), -1);
	ck_assert_int_eq(err, NTP_KOD_ECHANGED);
	ntp_kod_free(&db);
}
END_TEST

static Suite *
kod_suite(void)
{
	Suite *s = suite_create("ntp_kod");
	TCase *tc = tcase_create("kod");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing_file_is_empty);
	tcase_add_test(tc, test_add_lookup_and_reload);
	tcase_add_test(tc, test_file_format_is_one_line_per_entry);
	tcase_add_test(tc, test_entry_expires_after_a_day);
	tcase_add_test(tc, test_future_entry_dropped);
	tcase_add_test(tc, test_expired_entries_not_written_back);
	tcase_add_test(tc, test_atomic_rewrite_keeps_other_entries);
	tcase_add_test(tc, test_new_kiss_replaces_entry);
	tcase_add_test(tc, test_duplicate_lines_newest_wins);
	tcase_add_test(tc, test_garbage_lines_ignored);
	tcase_add_test(tc, test_scoped_ipv6_entry);
	tcase_add_test(tc, test_random_garbage_never_crashes);
	tcase_add_test(tc, test_directory_path_returns_error);
	tcase_add_test(tc, test_path_under_a_file_returns_error);
	tcase_add_test(tc, test_fifo_returns_error_without_blocking);
	tcase_add_test(tc, test_unreadable_file_returns_error_and_is_kept);
	tcase_add_test(tc, test_missing_directory_save_fails);
	tcase_add_test(tc, test_devnull_disables);
	tcase_add_test(tc, test_add_rejects_what_the_format_cannot_hold);
	tcase_add_test(tc, test_full_database_drops_oldest);
	tcase_add_test(tc, test_new_kiss_replaces_newer_entry);
	tcase_add_test(tc, test_foreign_text_file_left_alone);
	tcase_add_test(tc, test_random_bytes_file_left_alone);
	tcase_add_test(tc, test_huge_file_not_read_left_alone);
	tcase_add_test(tc, test_header_or_empty_is_a_database);
	tcase_add_test(tc, test_symlink_not_followed);
	tcase_add_test(tc, test_path_changed_since_load_not_replaced);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(kod_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
