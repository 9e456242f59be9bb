# ntpc: ntpdate and sntp over a small NTP client library.
# Targets: all, check, check-unit, check-integration, check-install,
#          check-compat, check-nts, check-nts-full, sanitize-check,
#          sanitize-check-nts, lint, install, uninstall, clean, demo, bench,
#          bench-nts, fuzz, fuzz-smoke.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/ntpc
# systemd looks in /usr/lib/systemd/system and /usr/local/lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL	?= install

# NTS (RFC 8915) over GnuTLS: `make NTS=1`, off by default, built in
# build-nts/ unless B says otherwise.
NTS	?= 0
ifeq ($(NTS),1)
B	?= build-nts
endif

# Build directory (out of tree with e.g. B=build-asan).
B	?= .

CC	?= cc
# The era pivot's lower bound: SOURCE_DATE_EPOCH, else the commit date.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
VERSION	?= 0.1

WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wcast-qual -Wundef -Wformat=2
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
OPT	?= -O1 -g
else
SANFLAGS =
OPT	?= -O2 -g
HARDEN	= -D_FORTIFY_SOURCE=2
endif
CPPFLAGS += -D_GNU_SOURCE -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 \
	    -DNTPC_VERSION='"$(VERSION)"' -Ilib $(HARDEN)
ifneq ($(SOURCE_DATE_EPOCH),0)
CPPFLAGS += -DNTPC_BUILD_EPOCH=$(SOURCE_DATE_EPOCH)LL
endif
CFLAGS	?= $(OPT)
CFLAGS	+= -std=c11 $(WARN) -fstack-protector-strong $(SANFLAGS) -MMD -MP
LDFLAGS	+= $(SANFLAGS)
LDLIBS	+= -lanl -lm

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

# The NTS parsers (nts_ke.c, nts_ef.c) are plain C and always built (and
# unit-tested); what needs GnuTLS only with NTS=1.
NTS_GNUTLS_SRC = lib/nts.c lib/nts_aead.c lib/nts_tls.c
NTS_GNUTLS_UNIT = tests/unit/test_nts.c tests/unit/test_nts_aead.c
LIB_SRC	= $(filter-out $(NTS_GNUTLS_SRC),$(wildcard lib/*.c))
UNIT_SRC = $(filter-out $(NTS_GNUTLS_UNIT),$(wildcard tests/unit/test_*.c))
ifeq ($(NTS),1)
LIB_SRC	+= $(NTS_GNUTLS_SRC)
UNIT_SRC += $(NTS_GNUTLS_UNIT)
CPPFLAGS += -DNTPC_NTS $(shell pkg-config --cflags gnutls)
LDLIBS	+= $(shell pkg-config --libs gnutls || echo -lgnutls) -pthread
endif
LIB_OBJ	= $(LIB_SRC:%.c=$(B)/%.o)
LIB	= $(B)/lib/libntpc.a
PROGS	= $(B)/ntpdate $(B)/sntp
TESTD	= $(B)/tests/ntp-testd
# LD_PRELOAD clock shim for the real daemons: never sanitized (it is loaded
# into programs built without the sanitizer runtime).
SHIM	= $(B)/tests/clockshim.so
UNIT_BIN = $(UNIT_SRC:%.c=$(B)/%)

all: $(PROGS) $(TESTD) $(SHIM)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(B)/ntpdate: $(B)/ntpdate.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/sntp: $(B)/sntp.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTD): $(B)/tests/ntp-testd.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(SHIM): tests/clockshim.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE -std=c11 $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

check: check-unit check-integration check-compat check-install

check-unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

check-integration: $(PROGS) $(TESTD) $(SHIM)
	@NTPT_BUILD=$(abspath $(B)) bash tests/run-integration.sh

# Side by side with classic 4.2.8p18 ($NTP_ANCHORS, default
# ../shared/anchors); skipped where those binaries are absent.
check-compat: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/compat/run.sh

# make install/uninstall into a temporary DESTDIR, tree checked.
check-install: $(PROGS)
	@B=$(B) sh tests/install.sh
# The NTS build (GnuTLS) in build-nts/: every unit test and the NTS
# integration tests (the other integration tests run in the default build;
# check-nts-full runs them all on the NTS build).
check-nts:
	$(MAKE) NTS=1 B=build-nts check-unit
	NTPT_ONLY=60-nts $(MAKE) NTS=1 B=build-nts check-integration

check-nts-full:
	$(MAKE) NTS=1 B=build-nts check

# The NTS build under ASan + UBSan, in build-nts-asan/.
sanitize-check-nts:
	$(MAKE) NTS=1 B=build-nts-asan SANITIZE=1 check-unit
	NTPT_ONLY=60-nts $(MAKE) NTS=1 B=build-nts-asan SANITIZE=1 \
	    check-integration

# ASan + UBSan build of everything, in its own directory.
# The real-daemon and side-by-side suites wait for daemons, not for our
# code: NTPT_SANITIZE=1 makes them skip (the plain pass runs them).
sanitize-check:
	NTPT_SANITIZE=1 $(MAKE) B=build-asan SANITIZE=1 check

lint:
	mandoc -Tlint -Wwarning man/ntpdate.8 man/sntp.1

demo: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/demo.sh

bench: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash bench/run.sh

# libFuzzer targets (clang), built with ASan + UBSan in build-fuzz/.
# make fuzz FUZZ_TIME=N runs each for N seconds on the seeds in
# fuzz/corpus/<target>/ (new inputs go to build-fuzz/corpus/<target>/);
# fuzz-smoke is the short run CI does.  A crash stops the run with the
# input saved as build-fuzz/crash-<target>-*.
FUZZ_CC	?= clang
FUZZ_TIME ?= 60
FZ	= build-fuzz
FUZZ_TARGETS = reply kod parse json esc conf keys nts_ke nts_ef
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -std=c11 -Wall -Wextra -D_GNU_SOURCE -D_TIME_BITS=64 \
	      -D_FILE_OFFSET_BITS=64 -DNTPC_VERSION='"$(VERSION)"' -Ilib \
	      $(filter -DNTPC_BUILD_EPOCH=%,$(CPPFLAGS)) $(FUZZ_SAN) -MMD -MP
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FZ)/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FZ)/fuzz_%)

$(FZ)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/libntpc.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FZ)/fuzz_%: fuzz/fuzz_%.c $(FZ)/libntpc.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FZ)/libntpc.a -lm

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FZ)/corpus/$$t || exit 1; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$(FZ)/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
		    -print_final_stats=1 \
		    -artifact_prefix=$(FZ)/crash-$$t- \
		    $(FZ)/corpus/$$t fuzz/corpus/$$t 2>$(FZ)/fuzz_$$t.log || \
		    { tail -n 40 $(FZ)/fuzz_$$t.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units' $(FZ)/fuzz_$$t.log; \
	done

fuzz-smoke:
	$(MAKE) fuzz FUZZ_TIME=15

# The units and the cron example name the installed ntpdate (@SBINDIR@).
SUBST	= sed 's|@SBINDIR@|$(SBINDIR)|g'
# NTS: ntpdate --nts against chronyd -Q 'server ... nts' (NTS=1 build).
bench-nts:
	$(MAKE) NTS=1 B=build-nts all
	@NTPT_BUILD=$(abspath build-nts) bash bench/nts.sh

install: $(PROGS)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 755 $(B)/ntpdate $(DESTDIR)$(SBINDIR)/ntpdate
	$(INSTALL) -m 755 $(B)/sntp $(DESTDIR)$(BINDIR)/sntp
	$(INSTALL) -m 644 man/ntpdate.8 $(DESTDIR)$(MANDIR)/man8/ntpdate.8
	$(INSTALL) -m 644 man/sntp.1 $(DESTDIR)$(MANDIR)/man1/sntp.1
	$(SUBST) contrib/ntpdate.service.in >$(B)/ntpdate.service.tmp
	$(INSTALL) -m 644 $(B)/ntpdate.service.tmp \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/ntpdate.service
	$(INSTALL) -m 644 contrib/ntpdate.timer \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/ntpdate.timer
	$(SUBST) contrib/ntpdate.cron.in >$(B)/ntpdate.cron.tmp
	$(INSTALL) -m 644 $(B)/ntpdate.cron.tmp \
	    $(DESTDIR)$(DOCDIR)/examples/ntpdate.cron
	$(INSTALL) -m 644 contrib/ntpdate.env \
	    $(DESTDIR)$(DOCDIR)/examples/ntpdate.env
	rm -f $(B)/ntpdate.service.tmp $(B)/ntpdate.cron.tmp

# Removes what install put there; shared directories stay, ntpc's go.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ntpdate $(DESTDIR)$(BINDIR)/sntp \
	    $(DESTDIR)$(MANDIR)/man8/ntpdate.8 $(DESTDIR)$(MANDIR)/man1/sntp.1 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/ntpdate.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/ntpdate.timer \
	    $(DESTDIR)$(DOCDIR)/examples/ntpdate.cron \
	    $(DESTDIR)$(DOCDIR)/examples/ntpdate.env
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)

clean:
	rm -f $(PROGS) $(TESTD) $(SHIM) $(LIB) $(UNIT_BIN)
	find . -name '*.[od]' -not -path './.git/*' -delete
	rm -rf build-asan build-fuzz build-nts build-nts-asan

.PHONY: all check check-unit check-integration check-compat check-install \
	check-nts check-nts-full sanitize-check sanitize-check-nts lint demo \
	bench bench-nts install uninstall clean fuzz fuzz-build fuzz-smoke

-include $(wildcard $(B)/lib/*.d $(B)/*.d $(B)/tests/*.d $(B)/tests/unit/*.d \
    $(FZ)/lib/*.d $(FZ)/*.d)

.SECONDARY:
