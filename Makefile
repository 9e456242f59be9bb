# ntpc: ntpdate and sntp over a small NTP client library.
# Targets: all, check, check-unit, check-integration, sanitize-check,
#          lint, install, uninstall, clean, demo, bench, fuzz, fuzz-smoke.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
INSTALL	?= install

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

LIB_SRC	= $(wildcard lib/*.c)
LIB_OBJ	= $(LIB_SRC:%.c=$(B)/%.o)
LIB	= $(B)/lib/libntpc.a
PROGS	= $(B)/ntpdate $(B)/sntp
TESTD	= $(B)/tests/ntp-testd
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:%.c=$(B)/%)

all: $(PROGS) $(TESTD)

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

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

check: check-unit check-integration

check-unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

check-integration: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/run-integration.sh

# ASan + UBSan build of everything, in its own directory.
sanitize-check:
	$(MAKE) B=build-asan SANITIZE=1 check

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
FUZZ_TARGETS = reply kod parse json esc
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
	$(MAKE) fuzz FUZZ_TIME=20

install: $(PROGS)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(B)/ntpdate $(DESTDIR)$(SBINDIR)/ntpdate
	$(INSTALL) -m 755 $(B)/sntp $(DESTDIR)$(BINDIR)/sntp
	$(INSTALL) -m 644 man/ntpdate.8 $(DESTDIR)$(MANDIR)/man8/ntpdate.8
	$(INSTALL) -m 644 man/sntp.1 $(DESTDIR)$(MANDIR)/man1/sntp.1

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ntpdate $(DESTDIR)$(BINDIR)/sntp \
	    $(DESTDIR)$(MANDIR)/man8/ntpdate.8 $(DESTDIR)$(MANDIR)/man1/sntp.1

clean:
	rm -f $(PROGS) $(TESTD) $(LIB) $(UNIT_BIN)
	find . -name '*.[od]' -not -path './.git/*' -delete
	rm -rf build-asan build-fuzz

.PHONY: all check check-unit check-integration sanitize-check lint demo \
	bench install uninstall clean fuzz fuzz-build fuzz-smoke

-include $(wildcard $(B)/lib/*.d $(B)/*.d $(B)/tests/*.d $(B)/tests/unit/*.d \
    $(FZ)/lib/*.d $(FZ)/*.d)

.SECONDARY:
