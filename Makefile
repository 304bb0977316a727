# liudong — build and tests.
#
#   make                 build/liudong (release, gcc)
#   make check           build and run the whole test suite once
#   make SAN=1 check     the same under AddressSanitizer and UBSan
#   make SAN=thread ...  under ThreadSanitizer (clang)
#   make CC=clang ...    any of the above with clang
#   make format          clang-format the sources
#
# BUILD selects the output directory, so several configurations can coexist.

CC       ?= cc
SAN      ?= 0
BUILD    ?= build
WERROR   ?= -Werror
PKG_CONFIG ?= pkg-config

CSTD     := -std=c17 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter $(WERROR)
OPT      := -O2 -g
ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
endif
ifeq ($(SAN),thread)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
endif
# Fuzzing (clang only): the library instrumented for libFuzzer's coverage.
ifeq ($(FUZZ),1)
OPT      := -O1 -g -fno-omit-frame-pointer \
            -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
endif
CFLAGS   ?=
CPPFLAGS := -Isrc -I$(BUILD)/gen
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS = $(OPT) $(LDFLAGS)

# Outside libraries, all Debian packages found with pkg-config. libh2o's
# pkg-config file omits the event-loop choice, so it is given here.
PKGS      := libh2o-evloop sqlite3 libcrypto libargon2 jansson libqrencode libcurl
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS)) -DH2O_USE_LIBUV=0
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread -lm
TEST_PKGS := cmocka
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

CORE_SRC := $(wildcard src/core/*.c)
UTIL_SRC := $(wildcard src/util/*.c)
CLI_SRC  := $(filter-out src/cli/liudong.c,$(wildcard src/cli/*.c))
MORE_SRC := $(wildcard src/crypto/*.c src/store/*.c src/http/*.c src/notify/*.c)
GEN_SRC  := $(BUILD)/gen/division_table.c $(BUILD)/gen/holidays.c \
            $(BUILD)/gen/migrations.c
LIB_SRC  := $(CORE_SRC) $(UTIL_SRC) $(CLI_SRC) $(MORE_SRC)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJ  := $(call obj,$(LIB_SRC)) $(patsubst $(BUILD)/gen/%.c,$(BUILD)/obj/gen/%.o,$(GEN_SRC))
LIB      := $(BUILD)/libliudong.a
BIN      := $(BUILD)/liudong

UNIT_SRC := $(wildcard tests/unit/t_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
CASES_BIN := $(BUILD)/tests/t_cases
TEST_BINS := $(UNIT_BIN) $(CASES_BIN)

FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

.PHONY: all check tests format clean fuzzers
all: $(BIN)

$(BUILD)/gen/division_table.c: data/gb2260-history.tsv tools/embed.sh
	@mkdir -p $(@D)
	tools/embed.sh divisions $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/holidays.c: $(wildcard data/holidays/*.tsv) tools/embed.sh
	@mkdir -p $(@D)
	tools/embed.sh text ld_embedded_holidays $(sort $(wildcard data/holidays/*.tsv)) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.c: $(wildcard sql/sqlite/*.sql) tools/embed.sh
	@mkdir -p $(@D)
	tools/embed.sh text ld_embedded_sqlite_migrations $(sort $(wildcard sql/sqlite/*.sql)) > $@.tmp && mv $@.tmp $@

# Generated data files hold long string literals by design.
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(call obj,src/cli/liudong.c) $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/t_%: $(BUILD)/obj/tests/unit/t_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ $(TEST_LIBS) $(PKG_LIBS) -o $@

$(CASES_BIN): $(BUILD)/obj/tests/t_cases.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ $(TEST_LIBS) $(PKG_LIBS) -o $@

tests: $(BIN) $(TEST_BINS)

# make BUILD=build/fuzz CC=clang FUZZ=1 fuzzers
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $< $(LIB) $(PKG_LIBS) -o $@

fuzzers: $(FUZZ_BIN)

check: tests
	tests/run-suite $(BUILD) $(TEST_BINS)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c')

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
