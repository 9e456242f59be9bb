/*
 * libFuzzer target: the KoD database loader.  The input is the file.
 *
 * Invariants: a file that is refused (not a KoD database, too big) gives
 * an empty, disabled database that is never written; every entry loaded
 * is valid (an address ntp_kod_add takes, a 1 to 4 character code, a time
 * within the freshness window), at most NTP_KOD_MAXENTRIES and no address
 * twice; saving and loading again keeps every entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntp_kod.h"

#define NOW		1800000000LL

#define REQUIRE(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz-kod.XXXXXX", base);
	REQUIRE(mkdtemp(dir) != NULL);
	return 0;
}

static void
put_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	REQUIRE(fd >= 0);
	REQUIRE(write(fd, data, size) == (ssize_t)size);
	REQUIRE(close(fd) == 0);
}

static void
check_entries(const struct ntp_kod_db *db)
{
	struct ntp_kod_db scratch;
	size_t i, k;
	int err;

	REQUIRE(db->n <= NTP_KOD_MAXENTRIES);
	memset(&scratch, 0, sizeof(scratch));
	for (i = 0; i < db->n; i++) {
		const struct ntp_kod_entry *e = &db->e[i];

		REQUIRE(e->when >= NOW - NTP_KOD_MAXAGE &&
		    e->when <= NOW + NTP_KOD_SLACK);
		REQUIRE(strlen(e->code) >= 1 && strlen(e->code) <= 4);
		REQUIRE(ntp_kod_lookup(db, e->addr) == e);
		for (k = i + 1; k < db->n; k++)
			REQUIRE(strcmp(e->addr, db->e[k].addr) != 0);
		/* ntp_kod_add takes it back. */
		REQUIRE(ntp_kod_add(&scratch, e->addr, e->when, e->code,
		    &err) == 0);
	}
	free(scratch.e);
}

static void
check_same(const struct ntp_kod_db *a, const struct ntp_kod_db *b)
{
	const struct ntp_kod_entry *e;
	size_t i;

	REQUIRE(a->n == b->n);
	for (i = 0; i < a->n; i++) {
		e = ntp_kod_lookup(b, a->e[i].addr);
		REQUIRE(e != NULL && e->when == a->e[i].when &&
		    strcmp(e->code, a->e[i].code) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntp_kod_db db, again;
	char path[96];
	int err;

	snprintf(path, sizeof(path), "%s/kod", dir);
	put_file(path, data, size);
	if (ntp_kod_load(&db, path, NOW, &err) != 0) {
		REQUIRE(db.n == 0 && db.disabled);
		REQUIRE(err == NTP_KOD_EFOREIGN || err == NTP_KOD_ETOOBIG);
		/* Refused: a kiss is not written over it. */
		REQUIRE(ntp_kod_add(&db, "192.0.2.1", NOW, "DENY", &err) == 0);
		REQUIRE(ntp_kod_save(&db, NOW, &err) == 0);
		REQUIRE(ntp_kod_lookup(&db, "192.0.2.1") == NULL);
		ntp_kod_free(&db);
		return 0;
	}
	check_entries(&db);
	db.dirty = 1;
	if (ntp_kod_save(&db, NOW, &err) == 0) {
		REQUIRE(ntp_kod_load(&again, path, NOW, &err) == 0);
		check_same(&db, &again);
		ntp_kod_free(&again);
	}
	ntp_kod_free(&db);
	unlink(path);
	return 0;
}
