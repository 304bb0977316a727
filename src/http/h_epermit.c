/*
 * h_epermit.c — the electronic residence permit (电子证照, spec §6):
 * numbering and signing inside the write transaction, the QR code and the
 * printable permit, and public verification.
 *
 * Verification looks the presented content up by its licence identifier:
 * when it is exactly what this platform signed, no SM2 computation is
 * needed; anything else is checked against the public key its key id names,
 * so a tampered payload or one from another key is reported as such.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/certificate.h"
#include "core/epermit.h"
#include "core/division.h"
#include "core/licence.h"
#include "crypto/keyring.h"
#include "crypto/qr.h"
#include "crypto/sm2.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"

ld_status ld_permit_number_in_txn(const struct ld_store_ops *ops, ld_conn *c,
				  ld_arena *ar, ld_permit *p, ld_day date,
				  ld_error *err)
{
	char key[16], no[LD_CERT_NO_LEN + 1];
	long serial;
	/* Permit serials count per county and year, apart from certificates'. */
	snprintf(key, sizeof key, "JZ%.6s", p->district);
	ld_status rc = ops->certificate_next(c, key, ld_day_year(date), &serial);
	if (rc != LD_OK)
		return rc;
	if (!ld_permit_no_format(atoi(p->district), ld_day_year(date), serial,
				 no))
		return ld_fail(err, LD_EINTERNAL, NULL, "居住证编号已用尽");
	p->permit_no = ld_arena_strdup(ar, no);
	return p->permit_no ? LD_OK : LD_ENOMEM;
}

ld_status ld_permit_sign_in_txn(struct ld_server *srv, ld_arena *ar,
				const char *name, const char *id_number,
				const ld_permit *p, ld_day date,
				const char *reason, ld_permit_version *v,
				ld_error *err)
{
	ld_epermit e;
	memset(&e, 0, sizeof e);
	/* The serial of the identifier: the permit number without "JZ". */
	if (!ld_licence_format(srv->cfg.licence_type, srv->cfg.issuer_code,
			       p->permit_no + 2, p->version, e.licence_id))
		return ld_fail(err, LD_EINTERNAL, NULL,
			       "电子证照标识无法生成（证照类型或发证机关代码设置有误）");
	snprintf(e.name, sizeof e.name, "%s", name);
	ld_mask_id_number(id_number, e.masked_id_number);
	snprintf(e.district, sizeof e.district, "%.6s", p->district);
	ld_day_format(date, e.issue_date);
	snprintf(e.permit_no, sizeof e.permit_no, "%s", p->permit_no);
	e.version = p->version;
	memcpy(e.key_id, srv->key_id, sizeof e.key_id);

	ld_buf signed_part, text;
	unsigned char sig[LD_EPERMIT_SIG_MAX];
	size_t sig_len = sizeof sig;
	ld_status rc;
	ld_buf_init(&signed_part, 4096);
	ld_buf_init(&text, 4096);
	if ((rc = ld_epermit_signed_part(&e, &signed_part, err)) != LD_OK)
		goto out;
	if ((rc = ld_sm2_sign(srv->signer, signed_part.data, signed_part.len,
			      sig, &sig_len)) != LD_OK) {
		ld_fail(err, rc, NULL, "电子证照签名失败");
		goto out;
	}
	if ((rc = ld_epermit_format(&e, sig, sig_len, &text, err)) != LD_OK)
		goto out;
	char day[LD_DATE_STRLEN];
	ld_day_format(date, day);
	*v = (ld_permit_version){
		.version = p->version,
		.licence_id = ld_arena_strdup(ar, e.licence_id),
		.issued_date = ld_arena_strdup(ar, day),
		.reason = reason,
		.payload = ld_arena_strndup(ar, text.data, text.len),
		.key_id = ld_arena_strdup(ar, srv->key_id),
	};
	if (!v->licence_id || !v->payload || !v->issued_date || !v->key_id)
		rc = LD_ENOMEM;
out:
	ld_buf_release(&signed_part);
	ld_buf_release(&text);
	return rc;
}

/* The current card version of the permit numbered r->path_no, checking the
 * user's area. Replies and returns false on any problem. */
static bool current_version(struct ld_req *r, ld_permit *pm, ld_person *holder,
			    ld_permit_version *cur)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_permit_version *vers;
	size_t n;
	bool visible = false;
	ld_status rc = ops->permit_by_no(r->th->reader, r->path_no, &r->arena, pm);
	if (rc == LD_OK)
		rc = ops->person_get(r->th->reader, pm->person_id, &r->arena,
				     holder);
	if (rc == LD_OK)
		rc = ops->person_visible(r->th->reader, &r->access,
					 pm->person_id, &visible);
	if (rc == LD_OK)
		rc = ops->versions_of(r->th->reader, pm->id, &r->arena, &vers,
				      &n);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return false;
	}
	if (!visible) {
		ld_reply_error(r, LD_HE_OUT_OF_AREA, NULL, NULL);
		return false;
	}
	for (size_t i = n; i-- > 0;)
		if (!vers[i].invalidated_date) {
			*cur = vers[i];
			return true;
		}
	ld_reply_error(r, LD_HE_CONFLICT, "该居住证没有有效的电子证照（已注销）",
		       NULL);
	return false;
}

/* Send a page or an image of the permit once its audit entry is queued:
 * the route's purpose is the reason, the holder what it carries. */
static void send_audited(struct ld_req *r, const ld_permit *pm,
			 const char *type, const char *action, ld_buf *body)
{
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)pm->person_id);
	ld_req_carries(r, "persons", pm->person_id);
	ld_reply_audited_typed(r, body, 200, type, action, target);
}

void h_permit_qr(struct ld_req *r)
{
	ld_permit pm;
	ld_person holder;
	ld_permit_version cur;
	if (!current_version(r, &pm, &holder, &cur))
		return;
	ld_buf svg;
	ld_error err = {0};
	ld_buf_init(&svg, (size_t)1 << 20);
	if (ld_qr_svg(cur.payload, strlen(cur.payload), &svg, &err) != LD_OK) {
		ld_buf_release(&svg);
		ld_reply_error(r, LD_HE_INTERNAL, err.message, NULL);
		return;
	}
	send_audited(r, &pm, "image/svg+xml", "permit:qr_view", &svg);
}

static void html_text(ld_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': ld_buf_adds(b, "&lt;"); break;
		case '>': ld_buf_adds(b, "&gt;"); break;
		case '&': ld_buf_adds(b, "&amp;"); break;
		case '"': ld_buf_adds(b, "&quot;"); break;
		default: ld_buf_addc(b, *s);
		}
	}
}

/* One field of the card: data-field names it for machines. */
static void row(ld_buf *b, const char *field, const char *label,
		const char *value)
{
	ld_buf_addf(b, "<tr data-field=\"%s\"><th>%s</th><td>", field, label);
	html_text(b, value);
	ld_buf_adds(b, "</td></tr>\n");
}

/* The photo as a data: URI of the page itself (the page is fetched with
 * the session's token and opened from memory, so it cannot link to the
 * API), or a box saying there is none. */
static void photo_box(ld_buf *b, struct ld_req *r, const ld_permit *pm)
{
	ld_photo ph;
	if (ld_permit_photo(r, pm, true, &ph) != LD_OK) {
		ld_buf_adds(b, "<div class=\"photo none\" data-field=\"photo\">"
			       "无相片</div>");
		return;
	}
	size_t cap = h2o_base64_encode_capacity((size_t)ph.bytes);
	char *text = ld_arena_alloc(&r->arena, cap);
	if (!text) {
		ld_buf_adds(b, "<div class=\"photo none\" data-field=\"photo\">"
			       "无相片</div>");
		return;
	}
	size_t n = h2o_base64_encode(text, ph.data, (size_t)ph.bytes, 0);
	ld_buf_addf(b, "<img class=\"photo\" data-field=\"photo\" "
		       "alt=\"本人相片\" src=\"data:%s;base64,",
		    ph.content_type);
	ld_buf_add(b, text, n);
	ld_buf_addf(b, "\" data-sm3=\"%s\">", ph.sm3);
}

/*
 * The printable permit: every item 条例 第四条 says a permit carries —
 * 姓名、性别、民族、出生日期、公民身份号码、本人相片、常住户口所在地住址、
 * 居住地住址、签发机关和签发日期 — with its number, version, electronic
 * licence identifier and QR code.
 */
void h_permit_print(struct ld_req *r)
{
	ld_permit pm;
	ld_person holder;
	ld_permit_version cur;
	if (!current_version(r, &pm, &holder, &cur))
		return;
	ld_registration reg;
	bool have_reg = r->srv->ops->registration_get(r->th->reader,
						      pm.registration_id,
						      &r->arena, &reg) == LD_OK;
	ld_buf b, svg;
	ld_error err = {0};
	/* Room for everything at its largest: the QR code's 1 MiB, the
	 * photo's 512 KiB in base64, bounded text fields. */
	ld_buf_init(&b, (size_t)4 << 20);
	ld_buf_init(&svg, (size_t)1 << 20);
	if (ld_qr_svg(cur.payload, strlen(cur.payload), &svg, &err) != LD_OK) {
		ld_reply_error(r, LD_HE_INTERNAL, err.message, NULL);
		goto out;
	}
	ld_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
			"charset=\"utf-8\"><title>居住证 ");
	html_text(&b, pm.permit_no);
	ld_buf_adds(&b,
		    "</title><style>body{font-family:\"Noto Sans CJK SC\","
		    "\"Microsoft YaHei\",sans-serif;margin:2em}"
		    ".card{width:180mm;border:2px solid #333;padding:6mm;"
		    "display:flex;gap:6mm;align-items:flex-start;box-sizing:border-box}"
		    "table{border-collapse:collapse;flex:1 1 auto;min-width:0}"
		    "td{word-break:break-all}.side{flex:0 0 46mm;text-align:center}"
		    ".photo{display:block;width:26mm;height:32mm;object-fit:cover;"
		    "margin:0 auto 4mm;border:1px solid #999}"
		    ".photo.none{line-height:32mm;color:#999;font-size:10pt}"
		    "th{text-align:right;padding:1.5mm 3mm;color:#555;font-weight:"
		    "normal;white-space:nowrap;vertical-align:top}td{padding:1.5mm 3mm}"
		    ".side svg{width:40mm;height:40mm;display:block;margin:0 auto}"
		    "h1{font-size:20pt;letter-spacing:.5em}"
		    "@media print{body{margin:0}}</style></head><body>\n"
		    "<h1>山东省居住证</h1>\n<div class=\"card\"><table>\n");
	const struct ld_code *eth =
		holder.ethnicity ? ld_code_find(&ld_ethnicities, holder.ethnicity)
				 : NULL;
	char text[LD_ADDRESS_TEXT_MAX];
	row(&b, "name", "姓名", holder.name);
	row(&b, "sex", "性别",
	    holder.sex && strcmp(holder.sex, "male") == 0 ? "男" : "女");
	row(&b, "ethnicity", "民族", eth ? eth->label : holder.ethnicity);
	row(&b, "birth", "出生日期", holder.birth);
	row(&b, "id_number", "公民身份号码", holder.id_number);
	ld_hukou_address_text(&holder, text, sizeof text);
	row(&b, "hukou_address", "常住户口所在地住址", text);
	if (have_reg)
		ld_address_full_text(&reg.addr, text, sizeof text);
	row(&b, "residence_address", "居住地住址", have_reg ? text : "");
	row(&b, "issuing_authority", "签发机关", pm.issuing_authority);
	row(&b, "issue_date", "签发日期", cur.issued_date);
	row(&b, "permit_no", "证件编号", pm.permit_no);
	char version[16];
	snprintf(version, sizeof version, "第%d版", cur.version);
	row(&b, "version", "版本", version);
	row(&b, "licence_id", "电子证照标识", cur.licence_id);
	ld_buf_adds(&b, "</table><div class=\"side\">");
	photo_box(&b, r, &pm);
	ld_buf_add(&b, svg.data, svg.len);
	ld_buf_adds(&b, "<p>扫码核验</p></div></div>\n<p>居住证每年签注一次；"
			"逾期未签注的，使用功能中止（《居住证暂行条例》第十条）。"
			"办理居住证不收取费用。</p>\n</body></html>\n");
	ld_buf_release(&svg);
	send_audited(r, &pm, "text/html; charset=utf-8", "permit:print", &b);
	return;
out:
	ld_buf_release(&b);
	ld_buf_release(&svg);
}

/* ---- public verification -------------------------------------------- */

/*
 * Each loop thread keeps the answers it gave, by licence identifier: the
 * payload presented, the day, the permit generation, and the body. An
 * entry is used only for the very same payload on the same day with no
 * permit change committed since; everything else is computed afresh.
 */
#define VCACHE_SLOTS 1024
#define VCACHE_MAX_PAYLOAD 1024

struct vcache_entry {
	uint64_t generation;
	ld_day day;
	size_t payload_len;
	char *payload; /* malloc'd copies, owned by the entry */
	char *body;
	size_t body_len;
};

struct ld_verify_cache {
	struct vcache_entry e[VCACHE_SLOTS];
};

void ld_verify_cache_free(struct ld_verify_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < VCACHE_SLOTS; i++) {
		free(c->e[i].payload);
		free(c->e[i].body);
	}
	free(c);
}

static struct vcache_entry *vcache_slot(struct ld_req *r, const char *c)
{
	if (!r->th->verify_cache)
		r->th->verify_cache = calloc(1, sizeof(struct ld_verify_cache));
	if (!r->th->verify_cache)
		return NULL;
	uint32_t h = 2166136261u;
	for (const char *p = c; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &r->th->verify_cache->e[h % VCACHE_SLOTS];
}

static void vcache_store(struct vcache_entry *e, uint64_t generation,
			 ld_day day, const char *payload, const char *body,
			 size_t body_len)
{
	size_t n = strlen(payload);
	if (!e || n > VCACHE_MAX_PAYLOAD)
		return;
	char *p = malloc(n + 1), *b = malloc(body_len + 1);
	if (!p || !b) {
		free(p);
		free(b);
		return;
	}
	memcpy(p, payload, n + 1);
	memcpy(b, body, body_len);
	free(e->payload);
	free(e->body);
	*e = (struct vcache_entry){generation, day, n, p, b, body_len};
}

static void verify_reply(struct ld_req *r, const ld_epermit *e, bool parsed,
			 bool signature_valid, const char *reason,
			 const char *state, const char *field,
			 struct vcache_entry *cache, uint64_t generation,
			 ld_day day, const char *payload)
{
	ld_buf b;
	ld_jw w;
	bool usable = signature_valid && state &&
		      (strcmp(state, "valid") == 0 ||
		       strcmp(state, "endorsement_due") == 0);
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kbool(&w, "valid", usable);
	ld_jw_kbool(&w, "signature_valid", signature_valid);
	ld_jw_kstr(&w, "reason", reason);
	if (field)
		ld_jw_kstr(&w, "field", field);
	ld_jw_kstr(&w, "state", state);
	if (parsed) {
		char district[64] = "";
		ld_jw_key(&w, "content");
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "licence_id", e->licence_id);
		ld_jw_kstr(&w, "name", e->name);
		ld_jw_kstr(&w, "masked_id_number", e->masked_id_number);
		ld_jw_kstr(&w, "district", e->district);
		const struct ld_division_rec *d =
			ld_division_latest(atoi(e->district));
		if (d)
			snprintf(district, sizeof district, "%s", d->name);
		ld_jw_kstr(&w, "district_name", district);
		ld_jw_kstr(&w, "issue_date", e->issue_date);
		ld_jw_kstr(&w, "permit_no", e->permit_no);
		ld_jw_kint(&w, "version", e->version);
		ld_jw_obj_close(&w);
	}
	ld_jw_obj_close(&w);
	if (cache && ld_jw_finish(&w) == LD_OK)
		vcache_store(cache, generation, day, payload, b.data, b.len);
	ld_reply_end(r, &w, &b, 200);
}

void h_verify(struct ld_req *r)
{
	const struct ld_store_ops *ops = r->srv->ops;
	const char *c = ld_req_query(r, "c");
	ld_epermit e;
	memset(&e, 0, sizeof e);
	unsigned char sig[LD_EPERMIT_SIG_MAX];
	size_t sig_len, signed_len;
	ld_error err = {0};
	ld_day today = ld_http_today();
	uint64_t generation = atomic_load(&r->srv->permit_generation);
	struct vcache_entry *cache = c ? vcache_slot(r, c) : NULL;
	if (cache && cache->payload && cache->generation == generation &&
	    cache->day == today && strcmp(cache->payload, c) == 0) {
		ld_reply_raw(r, 200, cache->body, cache->body_len);
		return;
	}
	if (!c || strlen(c) > 4096 ||
	    ld_epermit_parse(c, strlen(c), &e, sig, &sig_len, &signed_len,
			     &err) != LD_OK) {
		verify_reply(r, &e, false, false, "malformed", NULL,
			     err.field ? err.field : "c", NULL, 0, 0, NULL);
		return;
	}
	ld_permit_version v;
	ld_status rc = ops->version_by_licence(r->th->reader, e.licence_id,
					       &r->arena, &v);
	bool known = rc == LD_OK;
	if (rc != LD_OK && rc != LD_ENOTFOUND) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	/* Exactly what we signed: the signature holds without recomputing. */
	bool signature_valid = known && strcmp(v.payload, c) == 0;
	if (!signature_valid) {
		ld_sm2_key *pub = NULL;
		char dir[4200];
		snprintf(dir, sizeof dir, "%s/keys", r->srv->cfg.data_dir);
		rc = ld_keyring_load_public(dir, e.key_id, &pub, &err);
		if (rc != LD_OK) {
			verify_reply(r, &e, true, false, "unknown_key", NULL,
				     NULL, NULL, 0, 0, NULL);
			return;
		}
		signature_valid = ld_sm2_verify(pub, c, signed_len, sig, sig_len);
		ld_sm2_free(pub);
		if (!signature_valid) {
			verify_reply(r, &e, true, false, "tampered", NULL, NULL,
				     NULL, 0, 0, NULL);
			return;
		}
		if (!known) {
			verify_reply(r, &e, true, true, "unknown_permit", NULL,
				     NULL, NULL, 0, 0, NULL);
			return;
		}
	}
	ld_permit pm;
	if (ops->permit_get(r->th->reader, v.permit_id, &r->arena, &pm) !=
	    LD_OK) {
		ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
		return;
	}
	const char *state;
	if (strcmp(pm.status, "cancelled") == 0) {
		state = "cancelled";
	} else if (v.invalidated_date) {
		state = "replaced";
	} else {
		struct ld_permit_state st;
		if (ld_permit_state_on(r, &pm, today, &st) != LD_OK) {
			ld_reply_error(r, LD_HE_UNAVAILABLE, NULL, NULL);
			return;
		}
		const char *name = ld_permit_state_name(&st);
		state = strcmp(name, "window_open") == 0 ? "endorsement_due" : name;
	}
	/* Only answers for content this platform signed are cached. */
	verify_reply(r, &e, true, true, NULL, state, NULL, cache, generation,
		     today, c);
}
