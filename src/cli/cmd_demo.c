/*
 * cmd_demo.c — `liudong demo [--data DIR] [--people N]`: build a
 * demonstration database.
 *
 * Writes Jinan's twelve real county-level units with a few real streets and
 * towns each, invented communities and grids, one police station per
 * street, five accounts with fresh passwords, and N synthetic residents with
 * valid ID numbers whose residence registrations are decided by the real
 * rules (scope, deadlines, certificate numbers). Everything goes into one
 * transaction, so a failed run leaves nothing behind.
 *
 * The data are reproducible (a fixed seed); the passwords are not: they come
 * from the secure generator and are printed once. Not for real databases:
 * the command refuses a database that already holds data.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/catalog.h"
#include "core/certificate.h"
#include "core/deadline.h"
#include "core/division.h"
#include "core/idnum.h"
#include "core/scope.h"
#include "crypto/password.h"
#include "demo_data.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/arena.h"

#define DEMO_SEED 0x6c6975646f6e6721ull /* "liudong!" */
#define DEMO_DEFAULT_PEOPLE 3000
#define DEMO_MAX_PEOPLE 200000
#define DEMO_PASSWORD_LEN 12
#define DEMO_ACCOUNTS 5
#define DEMO_CANCEL_PCT 8
/* Attempts at a residence that puts a Jinan hukou holder in scope. */
#define DEMO_RESIDENCE_TRIES 4
#define DEMO_ID_TRIES 50

static const struct cli_opt demo_opts[] = {
	{"data", OPT_STRING, false, false, NULL, "数据目录（缺省为 ./data）",
	 "data directory (default: ./data)"},
	{"people", OPT_UINT, false, false, NULL, "合成人员数量，1至200000（缺省3000）",
	 "number of synthetic residents, 1..200000 (default 3000)"},
};

static const struct cli_spec demo_spec = {
	"demo [--data DIR] [--people N]",
	"生成演示数据库：济南真实区县与街道、虚构社区网格、合成人员及居住登记",
	"build the demo database: Jinan's real districts and streets, invented "
	"communities and grids, synthetic residents and registrations",
	demo_opts, 2, 0, NULL,
};

/* ---- a small reproducible PRNG (xorshift64*, seeded by splitmix64) --- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = splitmix64(seed);
	if (!r->s)
		r->s = 1;
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n) for n > 0 (the modulo bias is far below what a demo
 * could show). */
static int rng_below(struct rng *r, int n)
{
	return (int)((rng_next(r) >> 11) % (uint64_t)n);
}

static bool rng_pct(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

static size_t rng_weighted(struct rng *r, const struct demo_weighted *t,
			   size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].w;
	int x = rng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < t[i].w)
			return i;
		x -= t[i].w;
	}
	return n - 1;
}

static const char *rng_pick(struct rng *r, const char *const *t, size_t n)
{
	return t[rng_below(r, (int)n)];
}

/* ---- small text helpers --------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int word_count(const char *list)
{
	int n = 0;
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

/* The k-th space-separated word of list, copied into ar. */
static char *word_at(ld_arena *ar, const char *list, int k)
{
	const char *p = list;
	for (;;) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (k-- == 0)
			return ld_arena_strndup(ar, p, len);
		if (!end)
			return NULL;
		p = end;
	}
}

/* "YYYY-MM-DDTHH:MM:SSZ" for a day and a UTC time. */
static void iso_at(ld_day d, int minute, int second, char out[24])
{
	char date[LD_DATE_STRLEN];
	ld_day_format(d, date);
	snprintf(out, 24, "%sT%02d:%02d:%02dZ", date, minute / 60 % 24,
		 minute % 60, second % 60);
}

static void iso_now(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the run -------------------------------------------------------- */

struct demo_grid {
	char code[16];
	char community[13];
	char street[10];
	char district[7];
	const char *community_name; /* in the model arena */
	const struct demo_district *dist;
	bool village;
};

struct demo_account {
	const char *username;
	const char *display_name;
	enum ld_role role;
	char area[16]; /* empty for none */
	char password[DEMO_PASSWORD_LEN + 1];
	ld_id id;
};

struct demo_run {
	const struct ld_store_ops *ops;
	ld_conn *conn;
	const ld_calendar *cal;
	struct rng rng; /* areas */
	ld_arena names; /* area names, lives for the run */
	ld_arena tmp;	/* one resident's strings, released after each */
	const char *failed; /* the step that failed, for the message */

	struct demo_grid *grids;
	size_t n_grids, cap_grids;
	/* Current county-level codes residents come from. */
	int32_t *outside, *neighbour, *shandong;
	size_t n_outside, n_neighbour, n_shandong;

	struct demo_account acct[DEMO_ACCOUNTS];
	char now[24];

	int districts, streets, communities, stations, people;
	int registrations, cancelled, late, out_of_scope;
};

static ld_status step(struct demo_run *run, const char *what, ld_status st)
{
	if (st != LD_OK && !run->failed)
		run->failed = what;
	return st;
}

/* ---- areas and stations --------------------------------------------- */

static const char *const grid_names[] = {"第一网格", "第二网格", "第三网格"};

static ld_status put_community(struct demo_run *run,
			       const struct demo_district *d,
			       const char *street, const char *station,
			       const char *name, int number)
{
	struct demo_grid g = {.dist = d, .community_name = name,
			      .village = ends_with(name, "村")};
	snprintf(g.community, sizeof g.community, "%s%03u", street,
		 (unsigned)number % 1000u);
	snprintf(g.street, sizeof g.street, "%s", street);
	snprintf(g.district, sizeof g.district, "%06d", (int)d->code);
	ld_area a = {g.community, street, LD_LEVEL_COMMUNITY, name, station};
	ld_status st = step(run, "写入社区", run->ops->area_put(run->conn, &a));
	int n = 2 + rng_below(&run->rng, 2);
	for (int i = 0; i < n && st == LD_OK; i++) {
		snprintf(g.code, sizeof g.code, "%s%03u", g.community,
			 (unsigned)i % 1000u + 1u);
		ld_area ga = {g.code, g.community, LD_LEVEL_GRID, grid_names[i],
			      NULL};
		st = step(run, "写入网格", run->ops->area_put(run->conn, &ga));
		if (st == LD_OK && run->n_grids < run->cap_grids)
			run->grids[run->n_grids++] = g;
	}
	run->communities++;
	return st;
}

/* The station's name: 济南市公安局历下分局解放路派出所, 平阴县公安局东阿派出所.
 * A one-character stem keeps its ending (刁镇派出所). */
static char *station_name(ld_arena *ar, const struct demo_district *d,
			  const char *street)
{
	size_t len = strlen(street);
	if (ends_with(street, "街道") && len - 6 >= 6)
		len -= 6;
	else if (ends_with(street, "镇") && len - 3 >= 6)
		len -= 3;
	return ld_arena_printf(ar, "%s%.*s派出所", d->bureau, (int)len, street);
}

static ld_status put_street(struct demo_run *run, const struct demo_district *d,
			    const struct demo_street *s, int number)
{
	char code[10], scode[11];
	snprintf(code, sizeof code, "%06u%03u", (unsigned)d->code % 1000000u,
		 (unsigned)number % 1000u);
	snprintf(scode, sizeof scode, "S%s", code);
	char dcode[7];
	snprintf(dcode, sizeof dcode, "%06d", (int)d->code);
	const char *road = word_at(&run->names, d->roads,
				   rng_below(&run->rng, word_count(d->roads)));
	ld_station st = {
		.code = scode,
		.name = station_name(&run->names, d, s->name),
		.district = dcode,
		.address = ld_arena_printf(&run->names, "济南市%s%s%d号", d->name,
					   road ? road : "",
					   1 + rng_below(&run->rng, 300)),
		.phone = ld_arena_printf(&run->names, "0531-8%07d",
					 rng_below(&run->rng, 10000000)),
	};
	if (!st.name || !st.address || !st.phone)
		return step(run, "内存不足", LD_ENOMEM);
	ld_status rc = step(run, "写入派出所", run->ops->station_put(run->conn, &st));
	ld_area a = {code, dcode, LD_LEVEL_STREET, s->name, NULL};
	if (rc == LD_OK)
		rc = step(run, "写入街道", run->ops->area_put(run->conn, &a));
	run->streets++;
	run->stations++;
	int n = word_count(s->communities), urban = 0, villages = 0;
	for (int i = 0; i < n && rc == LD_OK; i++) {
		const char *name = word_at(&run->names, s->communities, i);
		if (!name)
			return step(run, "内存不足", LD_ENOMEM);
		int no = ends_with(name, "村") ? 201 + villages++ : 1 + urban++;
		rc = put_community(run, d, code, scode, name, no);
	}
	return rc;
}

/* Districts, then their streets: 街道 numbered 001…, 镇 100… */
static ld_status put_areas(struct demo_run *run)
{
	size_t cap = 0;
	for (size_t i = 0; i < demo_street_count; i++)
		cap += (size_t)word_count(demo_streets[i].communities) * 3;
	run->grids = calloc(cap, sizeof *run->grids);
	if (!run->grids)
		return step(run, "内存不足", LD_ENOMEM);
	run->cap_grids = cap;
	ld_status rc = LD_OK;
	for (size_t i = 0; i < demo_district_count && rc == LD_OK; i++) {
		const struct demo_district *d = &demo_districts[i];
		char code[7];
		snprintf(code, sizeof code, "%06d", (int)d->code);
		ld_area a = {code, NULL, LD_LEVEL_DISTRICT, d->name, NULL};
		rc = step(run, "写入区县", run->ops->area_put(run->conn, &a));
		run->districts++;
		int subdistricts = 0, towns = 0;
		for (size_t j = 0; j < demo_street_count && rc == LD_OK; j++) {
			const struct demo_street *s = &demo_streets[j];
			if (s->district != d->code)
				continue;
			int no = ends_with(s->name, "镇") ? 100 + towns++
							   : 1 + subdistricts++;
			rc = put_street(run, d, s, no);
		}
	}
	return rc;
}

/* The first grid of a district: that of its first community of its first
 * street, since grids are made in order. */
static const struct demo_grid *first_grid(const struct demo_run *run,
					  int32_t district)
{
	for (size_t i = 0; i < run->n_grids; i++)
		if (run->grids[i].dist->code == district)
			return &run->grids[i];
	return NULL;
}

/* ---- accounts ------------------------------------------------------- */

static ld_status put_accounts(struct demo_run *run)
{
	const struct demo_grid *lixia = first_grid(run, 370102);
	const struct demo_grid *shizhong = first_grid(run, 370103);
	if (!lixia || !shizhong)
		return step(run, "查找账号所属区域", LD_EINTERNAL);
	struct demo_account *a = run->acct;
	static const struct {
		const char *username, *display_name;
		enum ld_role role;
	} who[DEMO_ACCOUNTS] = {
		{"admin", "系统管理员", LD_ROLE_ADMIN},
		{"auditor", "审计员", LD_ROLE_AUDITOR},
		{"clerk_lixia", "历下分局派出所民警", LD_ROLE_CLERK},
		{"clerk_shizhong", "市中分局派出所民警", LD_ROLE_CLERK},
		{"grid_lixia", "历下区网格员", LD_ROLE_GRID},
	};
	for (int i = 0; i < DEMO_ACCOUNTS; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].username = who[i].username;
		a[i].display_name = who[i].display_name;
		a[i].role = who[i].role;
	}
	snprintf(a[2].area, sizeof a[2].area, "S%s", lixia->street);
	snprintf(a[3].area, sizeof a[3].area, "S%s", shizhong->street);
	snprintf(a[4].area, sizeof a[4].area, "%s", lixia->code);

	for (int i = 0; i < DEMO_ACCOUNTS; i++) {
		char hash[LD_PASSWORD_HASH_MAX];
		if (step(run, "生成密码",
			 ld_password_generate(a[i].password,
					      DEMO_PASSWORD_LEN)) != LD_OK ||
		    step(run, "计算密码哈希",
			 ld_password_hash(a[i].password, hash)) != LD_OK)
			return LD_EINTERNAL;
		ld_user u = {
			.username = a[i].username,
			.display_name = a[i].display_name,
			.role = a[i].role,
			.area = a[i].area[0] ? a[i].area : NULL,
			.password_hash = hash,
			.created_at = run->now,
		};
		ld_status rc = step(run, "写入账号",
				    run->ops->user_insert(run->conn, &u));
		if (rc != LD_OK)
			return rc;
		a[i].id = u.id;
	}
	return LD_OK;
}

/* ---- where residents come from ----------------------------------------- */

static bool is_neighbour(int32_t code)
{
	for (size_t i = 0; i < demo_neighbour_province_count; i++)
		if (code / 10000 == demo_neighbour_provinces[i])
			return true;
	return false;
}

/* Split the current county-level codes into other provinces, the
 * neighbouring ones, and Shandong outside Jinan. */
static ld_status build_code_pools(struct demo_run *run)
{
	run->outside = calloc(ld_division_count, sizeof(int32_t));
	run->neighbour = calloc(ld_division_count, sizeof(int32_t));
	run->shandong = calloc(ld_division_count, sizeof(int32_t));
	if (!run->outside || !run->neighbour || !run->shandong)
		return step(run, "内存不足", LD_ENOMEM);
	for (size_t i = 0; i < ld_division_count; i++) {
		const struct ld_division_rec *r = &ld_division_table[i];
		if (r->last_seen != 0 || r->code % 100 == 0)
			continue;
		if (r->code / 100 == 3701)
			continue; /* Jinan: ld_jinan_units */
		if (r->code / 10000 == 37) {
			run->shandong[run->n_shandong++] = r->code;
			continue;
		}
		run->outside[run->n_outside++] = r->code;
		if (is_neighbour(r->code))
			run->neighbour[run->n_neighbour++] = r->code;
	}
	if (!run->n_outside || !run->n_neighbour || !run->n_shandong)
		return step(run, "区划代码表为空", LD_EINTERNAL);
	return LD_OK;
}

/* About 75% from other provinces (half of them the neighbouring ones),
 * 15% from other Shandong cities, 10% from Jinan. */
static int32_t pick_place(const struct demo_run *run, struct rng *r)
{
	int x = rng_below(r, 100);
	if (x < 10)
		return ld_jinan_units[rng_below(r, LD_JINAN_UNIT_COUNT)];
	if (x < 25)
		return run->shandong[rng_below(r, (int)run->n_shandong)];
	if (rng_pct(r, 50))
		return run->neighbour[rng_below(r, (int)run->n_neighbour)];
	return run->outside[rng_below(r, (int)run->n_outside)];
}

/* ---- one synthetic resident --------------------------------------------- */

struct demo_person {
	char idn[19];
	char name[32];
	char birth[LD_DATE_STRLEN];
	char phone[12];
	char hukou_code[7];
	int32_t place; /* address code of the ID number */
	int32_t hukou;
	ld_day birth_day;
	int seq;
	bool male;
	const char *ethnicity;
	const char *hukou_address; /* in run->tmp */
};

/* The ID number from place, birth and sequence (GB 11643). */
static void make_idn(struct demo_person *p)
{
	int y, m, d;
	char digits[18];
	ld_day_to_ymd(p->birth_day, &y, &m, &d);
	snprintf(digits, sizeof digits, "%06d%04d%02d%02d%03d", (int)p->place,
		 y, m, d, p->seq);
	memcpy(p->idn, digits, 17);
	p->idn[17] = ld_idnum_check_char(digits);
	p->idn[18] = '\0';
}

static void make_name(struct rng *r, struct demo_person *p)
{
	const char *const *own = p->male ? demo_given_male : demo_given_female;
	size_t n_own =
		p->male ? demo_given_male_count : demo_given_female_count;
	const char *sur = demo_surnames[rng_weighted(r, demo_surnames,
						      demo_surname_count)].s;
	if (rng_pct(r, 30)) {
		snprintf(p->name, sizeof p->name, "%s%s", sur,
			 rng_pick(r, own, n_own));
		return;
	}
	const char *first = rng_pct(r, 40) ? rng_pick(r, demo_given_neutral,
						      demo_given_neutral_count)
					   : rng_pick(r, own, n_own);
	snprintf(p->name, sizeof p->name, "%s%s%s", sur, first,
		 rng_pick(r, own, n_own));
}

/* Full name of the hukou place and a village or street in it. */
static const char *make_hukou_address(ld_arena *ar, struct rng *r,
				      int32_t hukou)
{
	char place[160];
	if (!ld_division_full_name(hukou, place, sizeof place))
		place[0] = '\0';
	if (rng_pct(r, 60)) {
		const char *sur = demo_surnames[rng_weighted(
			r, demo_surnames, demo_surname_count)].s;
		return ld_arena_printf(ar, "%s%s%s%d号", place, sur,
				       rng_pick(r, demo_village_endings,
						demo_village_ending_count),
				       1 + rng_below(r, 120));
	}
	return ld_arena_printf(ar, "%s%s%d号", place,
			       rng_pick(r, demo_hukou_roads,
					demo_hukou_road_count),
			       1 + rng_below(r, 400));
}

static ld_status make_person(struct demo_run *run, struct rng *r,
			     struct demo_person *p)
{
	memset(p, 0, sizeof *p);
	p->place = pick_place(run, r);
	ld_day lo = ld_day_from_ymd(1960, 1, 1);
	ld_day hi = ld_day_from_ymd(2008, 12, 31);
	p->birth_day = lo + rng_below(r, hi - lo + 1);
	ld_day_format(p->birth_day, p->birth);
	p->seq = rng_below(r, 1000);
	p->male = p->seq % 2 == 1; /* GB 11643: odd sequence for men */
	make_idn(p);
	make_name(r, p);
	const char *eth = demo_ethnicities[rng_weighted(
		r, demo_ethnicities, demo_ethnicity_count)].s;
	const struct ld_code *c = ld_code_find(&ld_ethnicities, eth);
	p->ethnicity = c ? c->code : "01";
	p->hukou = rng_pct(r, 90) ? p->place : pick_place(run, r);
	snprintf(p->hukou_code, sizeof p->hukou_code, "%06d", (int)p->hukou);
	p->hukou_address = make_hukou_address(&run->tmp, r, p->hukou);
	snprintf(p->phone, sizeof p->phone, "1%c%09d",
		 "3456789"[rng_below(r, 7)], rng_below(r, 1000000000));
	return p->hukou_address ? LD_OK : step(run, "内存不足", LD_ENOMEM);
}

/* Insert the person; a clash of ID numbers takes another sequence code of
 * the same parity, so the sex stays what the name was chosen for. */
static ld_status insert_person(struct demo_run *run, struct rng *r,
			       struct demo_person *p, const char *created_at,
			       ld_id *id)
{
	for (int i = 0; i < DEMO_ID_TRIES; i++) {
		ld_person rec = {
			.id_number = p->idn,
			.name = p->name,
			.sex = p->male ? "male" : "female",
			.ethnicity = p->ethnicity,
			.birth = p->birth,
			.hukou_code = p->hukou_code,
			.hukou_address = p->hukou_address,
			.phone = p->phone,
			.created_at = created_at,
		};
		ld_status rc = run->ops->person_insert(run->conn, &rec);
		if (rc == LD_OK) {
			*id = rec.id;
			run->people++;
			return LD_OK;
		}
		if (rc != LD_ECONFLICT)
			return step(run, "写入人员", rc);
		p->seq = (p->seq + 2 * (1 + rng_below(r, 499))) % 1000;
		make_idn(p);
	}
	return step(run, "写入人员（身份号码重复过多）", LD_ECONFLICT);
}

/* A grid whose district puts the person in scope and requires a
 * registration, or NULL after a few tries (Jinan hukou holders living in
 * their own unit or between districts are not floating population).
 * Village grids are drawn less often than urban ones. */
static const struct demo_grid *pick_residence(const struct demo_run *run,
					      struct rng *r, int32_t hukou,
					      ld_scope_decision *dec)
{
	for (int i = 0; i < DEMO_RESIDENCE_TRIES; i++) {
		const struct demo_grid *g =
			&run->grids[rng_below(r, (int)run->n_grids)];
		if (g->village && rng_pct(r, 60))
			g = &run->grids[rng_below(r, (int)run->n_grids)];
		ld_scope_input in = {
			.hukou = hukou,
			.residence = g->dist->code,
			.stay_days = -1,
			.lodging = LD_LODGING_NONE,
			.nationality = LD_NAT_CN,
		};
		/* Only whether the person is in scope is used here, which no
		 * setting changes. */
		if (ld_scope_decide(&in, &LD_RULES_DEFAULTS, dec, NULL) != LD_OK)
			return NULL;
		if (dec->in_scope && dec->registration_required)
			return g;
	}
	return NULL;
}

/* ---- dates of a registration -------------------------------------------- */

/* Days between arrival and declaration, 0..6: most declare promptly. */
static const struct demo_weighted declare_delay[] = {
	{"0", 30}, {"1", 25}, {"2", 17}, {"3", 12},
	{"4", 7},  {"5", 5},  {"6", 4},
};

struct demo_dates {
	ld_day arrival, declared;
	ld_day cancelled; /* 0 when the registration stays active */
	int minute, second; /* UTC time of the declaration */
	int cancel_minute;
	size_t reporter;
};

/* The dates of resident `seed`, from their own stream, so that the
 * residents can be sorted by declaration before they are made. Arrival
 * 2025-01-01..2026-11-20, declared within 6 days and never after
 * 2026-11-24 (the demo's today); office hours in Beijing time. */
static void plan_dates(uint64_t seed, struct demo_dates *d)
{
	struct rng r;
	rng_seed(&r, seed ^ 0xd1b54a32d192ed03ull);
	ld_day first = ld_day_from_ymd(2025, 1, 1);
	ld_day last = ld_day_from_ymd(2026, 11, 20);
	ld_day today = ld_day_from_ymd(2026, 11, 24);
	d->arrival = first + rng_below(&r, last - first + 1);
	d->declared = d->arrival +
		      (ld_day)rng_weighted(&r, declare_delay,
					   sizeof declare_delay /
						   sizeof *declare_delay);
	if (d->declared > today)
		d->declared = today;
	d->minute = 30 + rng_below(&r, 9 * 60); /* 08:30-17:30 +08:00 */
	d->second = rng_below(&r, 60);
	d->cancelled = 0;
	if (rng_pct(&r, DEMO_CANCEL_PCT) && d->declared < today) {
		int span = today - d->declared;
		d->cancelled = d->declared + 1 +
			       rng_below(&r, span < 400 ? span : 400);
		d->cancel_minute = 30 + rng_below(&r, 9 * 60);
	}
	d->reporter = rng_weighted(&r, demo_reporters, demo_reporter_count);
}

/* ---- one registration ------------------------------------------------- */

static ld_status fill_address(struct demo_run *run, struct rng *r,
			      const struct demo_grid *g, ld_address *a)
{
	ld_arena *ar = &run->tmp;
	a->district = g->district;
	a->street = g->street;
	a->community = g->community;
	a->grid = g->code;
	if (g->village) {
		/* A house in the village: no building, unit or room. */
		a->road = g->community_name;
		a->house_number = ld_arena_printf(ar, "%d号", 1 + rng_below(r, 300));
		a->building = a->unit = a->room = "";
		return a->house_number ? LD_OK : step(run, "内存不足", LD_ENOMEM);
	}
	a->road = word_at(ar, g->dist->roads,
			  rng_below(r, word_count(g->dist->roads)));
	a->house_number = ld_arena_printf(ar, "%d号", 1 + rng_below(r, 2999));
	a->building = ld_arena_printf(ar, "%d", 1 + rng_below(r, 30));
	a->unit = ld_arena_printf(ar, "%d", 1 + rng_below(r, 6));
	a->room = ld_arena_printf(ar, "%d%02d", 1 + rng_below(r, 18),
				  1 + rng_below(r, 4));
	if (!a->road || !a->house_number || !a->building || !a->unit ||
	    !a->room)
		return step(run, "内存不足", LD_ENOMEM);
	return LD_OK;
}

static ld_status certificate_no(struct demo_run *run,
				const struct demo_grid *g, ld_day declared,
				char out[LD_CERT_NO_LEN + 1])
{
	long serial;
	int year = ld_day_year(declared);
	ld_status rc = step(run, "分配凭证编号",
			    run->ops->certificate_next(run->conn, g->district,
						       year, &serial));
	if (rc != LD_OK)
		return rc;
	if (!ld_certificate_format(g->dist->code, year, serial, out))
		return step(run, "凭证编号超出范围", LD_EINTERNAL);
	return LD_OK;
}

static ld_status cancel_registration(struct demo_run *run,
				     ld_registration *reg,
				     const struct demo_dates *d)
{
	char date[LD_DATE_STRLEN], at[24];
	const char *reporter = demo_reporters[d->reporter].s;
	ld_day_format(d->cancelled, date);
	iso_at(d->cancelled, d->cancel_minute, d->second, at);
	ld_status rc = step(run, "注销居住登记",
			    run->ops->registration_cancel(
				    run->conn, reg->id, date, "离开本市", reporter));
	ld_reg_event ev = {
		.registration_id = reg->id,
		.kind = "cancelled",
		.date = date,
		.deadline = NULL,
		.late = -1,
		.detail = ld_arena_printf(&run->tmp,
					  "{\"reason\":\"离开本市\","
					  "\"reporter\":\"%s\"}",
					  reporter),
		.user_id = run->acct[0].id,
		.at = at,
	};
	if (rc == LD_OK)
		rc = step(run, "写入注销记录",
			  run->ops->event_insert(run->conn, &ev));
	if (rc == LD_OK)
		run->cancelled++;
	return rc;
}

static ld_status insert_registration(struct demo_run *run, struct rng *r,
				     ld_id person_id, const struct demo_grid *g,
				     const ld_scope_decision *dec,
				     const struct demo_dates *d,
				     const char *created_at)
{
	char arrival[LD_DATE_STRLEN], declared[LD_DATE_STRLEN],
		deadline[LD_DATE_STRLEN], cert[LD_CERT_NO_LEN + 1];
	ld_deadline dl;
	ld_deadline_compute(run->cal, LD_EV_ARRIVAL, d->arrival,
			    LD_MINUTE_UNKNOWN, &dl);
	ld_day_format(d->arrival, arrival);
	ld_day_format(d->declared, declared);
	ld_day_format(dl.deadline, deadline);
	ld_registration reg = {
		.person_id = person_id,
		.status = "active",
		.arrival_date = arrival,
		.declared_date = declared,
		.deadline = deadline,
		.late = d->declared > dl.deadline,
		.calendar_complete = dl.calendar_complete,
		.reason = demo_reasons[rng_weighted(r, demo_reasons,
						    demo_reason_count)].s,
		.housing = demo_housing[rng_weighted(r, demo_housing,
						     demo_housing_count)].s,
		.in_scope = true,
		.scope_reason = ld_scope_reason_code(dec->reason),
		.certificate_no = cert,
		.created_by = run->acct[0].id,
		.created_at = created_at,
	};
	if (strcmp(reg.reason, "work") == 0)
		reg.employer = rng_pick(r, demo_employers, demo_employer_count);
	ld_status rc = fill_address(run, r, g, &reg.addr);
	if (rc == LD_OK)
		rc = certificate_no(run, g, d->declared, cert);
	if (rc == LD_OK)
		rc = step(run, "写入居住登记",
			  run->ops->registration_insert(run->conn, &reg));
	if (rc != LD_OK)
		return rc;
	ld_reg_event ev = {
		.registration_id = reg.id,
		.kind = "declared",
		.date = declared,
		.deadline = deadline,
		.late = reg.late,
		.detail = "{}",
		.user_id = run->acct[0].id,
		.at = created_at,
	};
	rc = step(run, "写入申报记录", run->ops->event_insert(run->conn, &ev));
	if (rc == LD_OK && !reg.calendar_complete)
		rc = step(run, "标记暂定期限",
			  run->ops->provisional_mark(run->conn,
						     LD_PROV_REGISTRATION,
						     reg.id, NULL, 0));
	if (rc != LD_OK)
		return rc;
	run->registrations++;
	run->late += reg.late;
	return d->cancelled ? cancel_registration(run, &reg, d) : LD_OK;
}

/* ---- all residents ---------------------------------------------------- */

struct demo_plan {
	uint64_t seed;
	int64_t key; /* when the declaration was made, for ordering */
	int index;
};

static int plan_cmp(const void *a, const void *b)
{
	const struct demo_plan *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index - y->index;
}

/* One resident, and a registration when they are in scope. */
static ld_status put_resident(struct demo_run *run, uint64_t seed)
{
	struct rng r;
	struct demo_dates d;
	struct demo_person p;
	ld_scope_decision dec;
	char created_at[24];
	ld_id id;

	rng_seed(&r, seed);
	plan_dates(seed, &d);
	iso_at(d.declared, d.minute, d.second, created_at);
	ld_status rc = make_person(run, &r, &p);
	if (rc == LD_OK)
		rc = insert_person(run, &r, &p, created_at, &id);
	if (rc != LD_OK)
		return rc;
	const struct demo_grid *g = pick_residence(run, &r, p.hukou, &dec);
	if (!g) {
		run->out_of_scope++;
		return LD_OK;
	}
	return insert_registration(run, &r, id, g, &dec, &d, created_at);
}

/* Residents are made in the order of their declarations, so person ids and
 * certificate serials rise with time as they would in a real registry. */
static ld_status put_residents(struct demo_run *run, int people)
{
	struct demo_plan *plan = calloc((size_t)people, sizeof *plan);
	if (!plan)
		return step(run, "内存不足", LD_ENOMEM);
	for (int i = 0; i < people; i++) {
		struct demo_dates d;
		plan[i].seed = splitmix64(DEMO_SEED + (uint64_t)i);
		plan[i].index = i;
		plan_dates(plan[i].seed, &d);
		plan[i].key = ((int64_t)d.declared * 1440 + d.minute) * 60 +
			      d.second;
	}
	qsort(plan, (size_t)people, sizeof *plan, plan_cmp);
	ld_status rc = LD_OK;
	for (int i = 0; i < people && rc == LD_OK; i++) {
		rc = put_resident(run, plan[i].seed);
		ld_arena_release(&run->tmp);
	}
	free(plan);
	return rc;
}

/* ---- the whole database ----------------------------------------------- */

static ld_status put_audit(struct demo_run *run)
{
	char detail[160];
	snprintf(detail, sizeof detail,
		 "{\"persons\":%d,\"registrations\":%d,\"late\":%d,"
		 "\"grids\":%zu}",
		 run->people, run->registrations, run->late, run->n_grids);
	ld_audit_entry e = {
		.user_id = 0,
		.username = "system",
		.action = "demo.generate",
		.target = "database",
		.reason = "生成演示数据",
		.result = "ok",
		.detail = detail,
	};
	return step(run, "写入审计日志",
		    ld_audit_append(run->ops, run->conn, &(ld_audit_head){0}, &e, 1));
}

/* Whether the database holds anything: areas, stations, persons, audit
 * entries or users. The store has no count of users, so the first user id
 * and the name "admin" stand for them. */
static ld_status store_has_data(struct demo_run *run, bool *has)
{
	ld_area *areas;
	ld_station *stations;
	size_t n_areas = 0, n_stations = 0;
	int64_t persons = 0, active = 0, audit = 0;
	ld_user u;
	const struct ld_store_ops *ops = run->ops;
	ld_status rc = ops->area_children(run->conn, NULL, &run->tmp, &areas,
					  &n_areas);
	if (rc == LD_OK)
		rc = ops->stations_list(run->conn, &run->tmp, &stations,
					&n_stations);
	if (rc == LD_OK)
		rc = ops->counts(run->conn, &persons, &active, &audit);
	ld_status by_id = ops->user_by_id(run->conn, 1, &run->tmp, &u);
	ld_status by_name =
		ops->user_by_name(run->conn, "admin", &run->tmp, &u);
	ld_arena_release(&run->tmp);
	if (rc == LD_OK && by_id != LD_OK && by_id != LD_ENOTFOUND)
		rc = by_id;
	if (rc == LD_OK && by_name != LD_OK && by_name != LD_ENOTFOUND)
		rc = by_name;
	*has = n_areas || n_stations || persons || audit || by_id == LD_OK ||
	       by_name == LD_OK;
	return step(run, "检查数据库", rc);
}

static ld_status build(struct demo_run *run, int people)
{
	ld_status rc = build_code_pools(run);
	if (rc == LD_OK)
		rc = put_areas(run);
	if (rc == LD_OK)
		rc = put_accounts(run);
	if (rc == LD_OK)
		rc = put_residents(run, people);
	if (rc == LD_OK)
		rc = put_audit(run);
	/* Marks the database as a demo: only such a one may run with the demo
	 * notifier, which shows one-time codes on the page. */
	if (rc == LD_OK)
		rc = step(run, "标记演示数据库",
			  run->ops->setting_put(run->conn, "demo", "1"));
	return rc;
}

static void print_summary(FILE *f, const struct demo_run *run,
			  const char *dir)
{
	fprintf(f,
		"演示数据库已生成 / demo database created: %s/liudong.db\n\n"
		"  区县 districts              %d\n"
		"  街道/镇 streets and towns   %d\n"
		"  社区/村 communities         %d\n"
		"  网格 grids                  %zu\n"
		"  派出所 police stations      %d\n"
		"  人员 persons                %d\n"
		"  居住登记 registrations      %d（已注销 cancelled %d）\n"
		"  逾期申报 late declarations  %d\n"
		"  不属纳管范围 not in scope   %d（无居住登记 no registration）\n\n"
		"账号 accounts:\n"
		"  %-16s %-8s %-16s %s\n",
		dir, run->districts, run->streets, run->communities,
		run->n_grids, run->stations, run->people, run->registrations,
		run->cancelled, run->late, run->out_of_scope, "username",
		"role", "area", "password");
	for (int i = 0; i < DEMO_ACCOUNTS; i++) {
		const struct demo_account *a = &run->acct[i];
		fprintf(f, "  %-16s %-8s %-16s %s  %s\n", a->username,
			ld_role_code(a->role), a->area[0] ? a->area : "-",
			a->password, a->display_name);
	}
	fputs("\n密码仅显示一次，请妥善保存。\n"
	      "The passwords are shown only this once; keep them safe.\n",
	      f);
}

static void run_release(struct demo_run *run)
{
	free(run->grids);
	free(run->outside);
	free(run->neighbour);
	free(run->shandong);
	ld_arena_release(&run->names);
	ld_arena_release(&run->tmp);
	explicit_bzero(run->acct, sizeof run->acct);
}

/* Open, check, build and commit; 0 on success, 1 on any failure. */
static int demo_generate(struct cli_ctx *ctx, const char *dir, int people)
{
	struct demo_run run = {.cal = ctx->cal};
	ld_store *store = NULL;
	ld_error err = {0};
	bool has = false;
	int rc = LD_CLI_FAIL;

	run.ops = ld_store_find("sqlite");
	rng_seed(&run.rng, DEMO_SEED);
	ld_arena_init(&run.names, 0);
	ld_arena_init(&run.tmp, (size_t)1 << 20);
	iso_now(run.now);
	if (!run.ops || !run.cal) {
		fputs("liudong: 内部错误：缺少存储或日历 (internal error)\n",
		      ctx->err);
		goto out_release;
	}
	if (run.ops->open(dir, &store, &err) != LD_OK ||
	    run.ops->connect(store, true, &run.conn, &err) != LD_OK) {
		fprintf(ctx->err, "liudong: --data: %s\n", err.message);
		goto out_close;
	}
	if (step(&run, "开始事务", run.ops->begin(run.conn)) != LD_OK)
		goto out_failed;
	if (store_has_data(&run, &has) != LD_OK)
		goto out_rollback;
	if (has) {
		run.ops->rollback(run.conn);
		fprintf(ctx->err,
			"liudong: 数据库已有数据（%s/liudong.db），为免与真实数据混杂，"
			"不生成演示数据；请指定空目录 (the database already holds "
			"data; use an empty --data directory)\n",
			dir);
		goto out_close;
	}
	if (build(&run, people) != LD_OK)
		goto out_rollback;
	if (step(&run, "提交事务", run.ops->commit(run.conn)) != LD_OK)
		goto out_rollback;
	print_summary(ctx->out, &run, dir);
	rc = LD_CLI_OK;
	goto out_close;

out_rollback:
	run.ops->rollback(run.conn);
out_failed:
	fprintf(ctx->err,
		"liudong: 生成演示数据失败：%s，已回滚，未写入任何数据 "
		"(demo failed, rolled back)\n",
		run.failed ? run.failed : "未知步骤");
out_close:
	if (run.conn)
		run.ops->disconnect(run.conn);
	if (store)
		run.ops->close(store);
out_release:
	run_release(&run);
	return rc;
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_val v[2];
	int rc = cli_parse(ctx, &demo_spec, argc, argv, v, NULL);
	if (rc)
		goto out;
	const char *dir = v[0].set ? v[0].str : "./data";
	int people = v[1].set ? v[1].num : DEMO_DEFAULT_PEOPLE;
	if (!*dir) {
		rc = cli_usage_error(ctx, "--data", "目录不能为空 (empty directory)");
		goto out;
	}
	if (people < 1 || people > DEMO_MAX_PEOPLE) {
		rc = cli_usage_error(ctx, "--people",
				     "应为1至200000之间的整数 (expected 1..200000)");
		goto out;
	}
	rc = demo_generate(ctx, dir, people);
out:
	cli_vals_release(&demo_spec, v);
	return rc < 0 ? 0 : rc;
}
