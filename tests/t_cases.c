/*
 * t_cases.c — the one driver for the rule cases in the .cases files of tests/cases.
 *
 * Each case is a block: an optional "### title", one "$ ARGS" line with the
 * arguments after `liudong`, and expectations, one per line:
 *
 *   exit N                    exit status (default 0)
 *   stderr has "TEXT"         stderr contains TEXT
 *   PATH = JSON               the value at PATH equals JSON
 *   PATH has "S" / lacks "S"  the array at PATH contains / lacks S
 *   PATH count N              the array at PATH has N elements
 *   PATH absent               PATH does not exist
 *
 * PATH is key(.key|[N]|[*])*; [*] collects a field from every element.
 * The command runs in-process (so the sanitizers see it); its stdout must be
 * exactly one JSON object when it exits 0, and one line on stderr otherwise.
 * Adding a case never needs new C.
 *
 * The citation table (src/core/citation.c) is checked both ways after the
 * cases: every citation must be returned by some rule in some case (a
 * citation no rule returns is dead), and asserted by some case with `has`
 * or `=` (a citation a rule returns but no case names is untested). The
 * cases name the spec they test by its copy in the repository
 * (docs/rules.md).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/cli.h"
#include "core/citation.h"

#define MAX_ARGS 64
#define MAX_EXPECT 256

struct tcase {
	char name[256];
	char *args;
	int n_expect;
	char *expect[MAX_EXPECT];
	int expect_line[MAX_EXPECT];
	const char *file;
	int line;
};

static struct tcase *cases;
static size_t n_cases, cap_cases;

/* Which citations some rule returned in some case's output, and which a
 * passing expectation named. */
static bool cite_returned[LD_CITE__COUNT], cite_asserted[LD_CITE__COUNT];

static int cite_of_text(const char *s)
{
	for (int c = 0; c < LD_CITE__COUNT; c++)
		if (strcmp(ld_cite_text((ld_cite)c), s) == 0)
			return c;
	return -1;
}

/* Mark every citation text found among the strings of v, at any depth. */
static void mark_citations(json_t *v, bool *marks)
{
	if (json_is_string(v)) {
		int c = cite_of_text(json_string_value(v));
		if (c >= 0)
			marks[c] = true;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) mark_citations(item, marks);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *item;
		json_object_foreach(v, k, item) mark_citations(item, marks);
	}
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static struct tcase *new_case(const char *file, int line)
{
	if (n_cases == cap_cases) {
		cap_cases = cap_cases ? cap_cases * 2 : 256;
		cases = realloc(cases, cap_cases * sizeof *cases);
		if (!cases)
			abort();
	}
	struct tcase *c = &cases[n_cases++];
	memset(c, 0, sizeof *c);
	c->file = file;
	c->line = line;
	return c;
}

static int load_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	char line[4096];
	int lineno = 0;
	struct tcase *c = NULL;
	char title[200] = "";
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0') {
			c = NULL;
			title[0] = '\0';
			continue;
		}
		if (strncmp(s, "###", 3) == 0) {
			snprintf(title, sizeof title, "%s", trim(s + 3));
			continue;
		}
		if (*s == '#')
			continue;
		if (s[0] == '$' && s[1] == ' ') {
			c = new_case(path, lineno);
			c->args = xstrdup(trim(s + 2));
			snprintf(c->name, sizeof c->name, "%s:%d %s", base,
				 lineno, title[0] ? title : c->args);
			continue;
		}
		if (!c || c->n_expect == MAX_EXPECT) {
			fprintf(stderr, "%s:%d: expectation outside a case or too many (max 256)\n",
				path, lineno);
			fclose(f);
			return -1;
		}
		c->expect_line[c->n_expect] = lineno;
		c->expect[c->n_expect++] = xstrdup(s);
	}
	fclose(f);
	return 0;
}

static int split_args(char *s, char **argv)
{
	int n = 0;
	argv[n++] = "liudong";
	while (*s && n < MAX_ARGS - 1) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			argv[n++] = ++s;
			while (*s && *s != '"')
				s++;
		} else {
			argv[n++] = s;
			while (*s && *s != ' ')
				s++;
		}
		if (*s)
			*s++ = '\0';
	}
	argv[n] = NULL;
	return n;
}

/* Resolve PATH against root. Returns a new reference, or NULL if absent. */
static json_t *resolve(json_t *root, const char *path)
{
	json_t *cur = json_incref(root);
	const char *p = path;
	while (*p && cur) {
		json_t *next = NULL;
		if (*p == '.')
			p++;
		if (*p == '[') {
			if (p[1] == '*' && p[2] == ']') {
				p += 3;
				/* Collect the rest of the path from each item. */
				const char *rest = *p == '.' ? p + 1 : p;
				json_t *all = json_array();
				size_t i;
				json_t *item;
				json_array_foreach(cur, i, item)
				{
					json_t *v = *rest ? resolve(item, rest)
							  : json_incref(item);
					if (v)
						json_array_append_new(all, v);
				}
				json_decref(cur);
				return all;
			}
			char *end;
			long idx = strtol(p + 1, &end, 10);
			if (*end != ']') {
				json_decref(cur);
				return NULL;
			}
			p = end + 1;
			next = json_array_get(cur, (size_t)idx);
		} else {
			size_t n = strcspn(p, ".[");
			char key[128];
			snprintf(key, sizeof key, "%.*s", (int)n, p);
			p += n;
			next = json_is_object(cur) ? json_object_get(cur, key)
						   : NULL;
		}
		json_incref(next);
		json_decref(cur);
		cur = next;
	}
	return cur;
}

static bool array_has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) &&
					  strcmp(json_string_value(v), s) == 0)
		return true;
	return false;
}

static char *unquote(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &e);
	char *r = NULL;
	if (json_is_string(v))
		r = xstrdup(json_string_value(v));
	json_decref(v);
	return r;
}

static void check_expect(const struct tcase *c, int k, json_t *out, int status,
			 const char *err)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", c->expect[k]);
	int line = c->expect_line[k];
	char *s = buf;

	if (strncmp(s, "exit ", 5) == 0)
		return; /* handled by the caller */
	if (strncmp(s, "stderr has ", 11) == 0) {
		char *want = unquote(s + 11);
		if (!want)
			fail_msg("%s:%d: bad string", c->file, line);
		if (!strstr(err, want))
			fail_msg("%s:%d: stderr lacks %s; stderr was: %s",
				 c->file, line, want, err);
		free(want);
		return;
	}
	if (!out)
		fail_msg("%s:%d: no JSON output to check (exit %d, stderr %s)",
			 c->file, line, status, err);

	char *sp = strchr(s, ' ');
	if (!sp)
		fail_msg("%s:%d: cannot parse expectation", c->file, line);
	*sp = '\0';
	const char *path = s, *rest = trim(sp + 1);
	json_t *actual = resolve(out, path);
	char *dump = actual ? json_dumps(actual, JSON_ENCODE_ANY) : NULL;

	if (strcmp(rest, "absent") == 0) {
		if (actual)
			fail_msg("%s:%d: %s should be absent, is %s", c->file,
				 line, path, dump);
	} else if (!actual) {
		fail_msg("%s:%d: %s is absent", c->file, line, path);
	} else if (rest[0] == '=' && rest[1] == ' ') {
		json_error_t e;
		json_t *want = json_loads(rest + 2, JSON_DECODE_ANY, &e);
		if (!want)
			fail_msg("%s:%d: bad JSON %s", c->file, line, rest + 2);
		if (!json_equal(want, actual))
			fail_msg("%s:%d: %s is %s, expected %s", c->file, line,
				 path, dump, rest + 2);
		mark_citations(want, cite_asserted);
		json_decref(want);
	} else if (strncmp(rest, "has ", 4) == 0 ||
		   strncmp(rest, "lacks ", 6) == 0) {
		bool has = rest[0] == 'h';
		char *want = unquote(rest + (has ? 4 : 6));
		if (!want || !json_is_array(actual))
			fail_msg("%s:%d: has/lacks needs an array and a string",
				 c->file, line);
		if (array_has_string(actual, want) != has)
			fail_msg("%s:%d: %s %s %s; it is %s", c->file, line,
				 path, has ? "lacks" : "has", want, dump);
		if (has && cite_of_text(want) >= 0)
			cite_asserted[cite_of_text(want)] = true;
		free(want);
	} else if (strncmp(rest, "count ", 6) == 0) {
		size_t want = (size_t)atol(rest + 6);
		if (!json_is_array(actual) || json_array_size(actual) != want)
			fail_msg("%s:%d: %s should have %zu elements: %s",
				 c->file, line, path, want, dump);
	} else {
		fail_msg("%s:%d: unknown expectation '%s'", c->file, line,
			 rest);
	}
	free(dump);
	json_decref(actual);
}

static void run_case(void **state)
{
	const struct tcase *c = *state;
	char *args = xstrdup(c->args);
	char *argv[MAX_ARGS];
	int argc = split_args(args, argv);

	char *out_s = NULL, *err_s = NULL;
	size_t out_n = 0, err_n = 0;
	FILE *out = open_memstream(&out_s, &out_n);
	FILE *err = open_memstream(&err_s, &err_n);
	assert_non_null(out);
	assert_non_null(err);
	int status = ld_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);

	int want_status = 0;
	for (int k = 0; k < c->n_expect; k++)
		if (strncmp(c->expect[k], "exit ", 5) == 0)
			want_status = atoi(c->expect[k] + 5);
	if (status != want_status)
		fail_msg("%s:%d: exit %d, expected %d; stderr: %s; stdout: %s",
			 c->file, c->line, status, want_status, err_s, out_s);

	json_t *json = NULL;
	if (status == 0) {
		json_error_t e;
		json = json_loads(out_s, JSON_REJECT_DUPLICATES, &e);
		if (!json_is_object(json))
			fail_msg("%s:%d: stdout is not one JSON object (%s): %s",
				 c->file, c->line, e.text, out_s);
		if (err_n != 0)
			fail_msg("%s:%d: unexpected stderr: %s", c->file,
				 c->line, err_s);
		mark_citations(json, cite_returned);
	} else {
		char *nl = strchr(err_s, '\n');
		if (out_n != 0 || !nl || nl[1] != '\0')
			fail_msg("%s:%d: bad input must print exactly one line "
				 "on stderr and nothing on stdout; stderr: %s",
				 c->file, c->line, err_s);
	}
	for (int k = 0; k < c->n_expect; k++)
		check_expect(c, k, json, status, err_s);
	json_decref(json);
	free(out_s);
	free(err_s);
	free(args);
}

/* After every case: the citation table both ways. */
static void citation_table(void **state)
{
	int failures = 0;
	for (int c = 0; c < LD_CITE__COUNT; c++) {
		const char *t = ld_cite_text((ld_cite)c);
		if (!cite_returned[c]) {
			print_error("citation %d %s: no rule returned it in any "
				    "case (dead, or no case exercises the rule "
				    "that returns it)\n",
				    c, t);
			failures++;
		} else if (!cite_asserted[c]) {
			print_error("citation %d %s: a rule returns it but no "
				    "case asserts it (basis has \"...\")\n",
				    c, t);
			failures++;
		}
	}
	if (failures)
		fail_msg("%d citation(s) of the table are dead or untested",
			 failures);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/cases";
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "t_cases: cannot open %s\n", dir);
		return 1;
	}
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);
		if (len > 6 && strcmp(e->d_name + len - 6, ".cases") == 0) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			names[n++] = xstrdup(path);
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, by_name);
	for (int i = 0; i < n; i++)
		if (load_file(names[i]) != 0)
			return 1;
	if (n_cases == 0) {
		fprintf(stderr, "t_cases: no cases found in %s\n", dir);
		return 1;
	}
	struct CMUnitTest *tests = calloc(n_cases + 1, sizeof *tests);
	if (!tests)
		return 1;
	for (size_t i = 0; i < n_cases; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = &cases[i];
	}
	/* Last, once every case has run. */
	tests[n_cases].name = "citation table: every citation returned by a "
			      "rule and asserted by a case";
	tests[n_cases].test_func = citation_table;
	int rc = _cmocka_run_group_tests("rule cases", tests, n_cases + 1,
					 NULL, NULL);
	for (size_t i = 0; i < n_cases; i++) {
		free(cases[i].args);
		for (int k = 0; k < cases[i].n_expect; k++)
			free(cases[i].expect[k]);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(cases);
	free(tests);
	return rc;
}
