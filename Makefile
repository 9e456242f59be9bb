# ntpc: ntpdate and sntp over a small NTP client library.
# Targets: all, check, check-unit, check-integration, check-compat,
#          sanitize-check,
#          lint, install, uninstall, clean, demo, bench.

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

check: check-unit check-integration check-compat

check-unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

check-integration: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/run-integration.sh

# Side by side with classic 4.2.8p18 ($NTP_ANCHORS, default
# ../shared/anchors); skipped where those binaries are absent.
check-compat: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/compat/run.sh

# ASan + UBSan build of everything, in its own directory.
sanitize-check:
	$(MAKE) B=build-asan SANITIZE=1 check

lint:
	mandoc -Tlint -Wwarning man/ntpdate.8 man/sntp.1

demo: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash tests/demo.sh

bench: $(PROGS) $(TESTD)
	@NTPT_BUILD=$(abspath $(B)) bash bench/run.sh

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
	rm -rf build-asan

.PHONY: all check check-unit check-integration check-compat sanitize-check \
	lint demo \
	bench install uninstall clean

-include $(wildcard $(B)/lib/*.d $(B)/*.d $(B)/tests/*.d $(B)/tests/unit/*.d)

.SECONDARY:
