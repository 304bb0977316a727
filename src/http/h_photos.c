/*
 * h_photos.c — the holder's photo of the residence permit (《居住证暂行条例》
 * 第四条: 本人相片): taken at the counter or sent by the resident online,
 * stored, and shown only to those who may read the person.
 *
 * A photo arrives as the request body itself, `Content-Type: image/jpeg`
 * or `image/png`, not as base64 in JSON: a third smaller, nothing to decode
 * before checking, and the route's own limit (the server's bound of
 * 1 MiB, LD_MAX_REQUEST_BODY) lets a file up to PHOTO_MAX_BYTES through to
 * the check that names the field in Chinese. The file is checked by
 * ld_image_check (magic bytes, structure, pixel size) and stored without
 * its metadata (EXIF: camera, time, position); its SM3 is kept with it.
 *
 * Who sees it: admins and clerks of the person's area (the desk, which
 * makes the card), each read audited like a read of the person, with a
 * reason; the resident their own. Not grid workers: their visits check the
 * identity card itself, and a face is more than their work needs
 * (docs/security/paperwork.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/sm3.h"
#include "http/handlers.h"
#include "http/permits.h"
#include "http/reply.h"
#include "http/views.h"
#include "store/audit.h"
#include "util/image.h"

/* The largest photo file accepted: more than any ID photo needs (a
 * 358×441 JPEG of good quality is 30-60 KiB). */
#define PHOTO_MAX_BYTES ((size_t)512 * 1024)
#define PHOTO_FIELD "photo"

/* The media type the request declares: one Content-Type header,
 * image/jpeg or image/png, with no parameter. */
static enum ld_image_type declared_type(h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	if (i < 0 ||
	    h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, i) >= 0)
		return LD_IMAGE_UNKNOWN;
	const char *p = req->headers.entries[i].value.base;
	size_t n = req->headers.entries[i].value.len;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 10 && strncasecmp(p, "image/jpeg", 10) == 0)
		return LD_IMAGE_JPEG;
	if (n == 9 && strncasecmp(p, "image/png", 9) == 0)
		return LD_IMAGE_PNG;
	return LD_IMAGE_UNKNOWN;
}

/* ---- storing one ----------------------------------------------------- */

struct photo_job {
	ld_photo photo;
	int dropped;
	char now[32];
};

static ld_status photo_run(ld_write_job *job, const struct ld_store_ops *ops,
			   ld_conn *c)
{
	struct ld_pending *p = job->ctx;
	struct photo_job *j = p->data;
	ld_person person;
	ld_status rc = ops->person_get(c, j->photo.person_id, &p->arena,
				       &person);
	if (rc != LD_OK)
		return rc;
	rc = ops->photo_insert(c, &j->photo, &j->dropped);
	if (rc != LD_OK)
		return rc;
	job->audit[0].detail = ld_arena_printf(
		&p->arena,
		"{\"photo\":%lld,\"sm3\":\"%s\",\"bytes\":%lld,\"channel\":\"%s\","
		"\"dropped\":%d}",
		(long long)j->photo.id, j->photo.sm3,
		(long long)j->photo.bytes, j->photo.channel, j->dropped);
	return job->audit[0].detail ? LD_OK : LD_ENOMEM;
}

static void photo_finish(struct ld_req *r, struct ld_pending *p)
{
	struct photo_job *j = p->data;
	if (p->job.status != LD_OK) {
		ld_reply_status(r, p->job.status, &p->job.err);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "person_id", j->photo.person_id);
	ld_view_photo(&w, "photo", &j->photo);
	ld_jw_kint(&w, "replaced", j->dropped);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 201);
}

/* Check the body as a photo of `person_id` and store it; replies. */
static void photo_store(struct ld_req *r, ld_id person_id, const char *action)
{
	h2o_iovec_t body = r->h2o->entity;
	enum ld_image_type declared = declared_type(r->h2o);
	if (declared == LD_IMAGE_UNKNOWN) {
		ld_reply_error(r, LD_HE_UNSUPPORTED_MEDIA,
			       "相片应以 image/jpeg 或 image/png 类型上传",
			       "Content-Type");
		return;
	}
	if (!body.base || body.len == 0) {
		ld_reply_error(r, LD_HE_INVALID, "请选择相片文件", PHOTO_FIELD);
		return;
	}
	if (body.len > PHOTO_MAX_BYTES) {
		char msg[128];
		snprintf(msg, sizeof msg,
			 "相片文件不能超过%zu KiB（此文件%zu KiB）",
			 PHOTO_MAX_BYTES / 1024, (body.len + 1023) / 1024);
		ld_reply_error(r, LD_HE_TOO_LARGE, msg, PHOTO_FIELD);
		return;
	}
	ld_buf clean;
	ld_image_info info;
	ld_error err = {0};
	ld_buf_init(&clean, PHOTO_MAX_BYTES);
	ld_status rc = ld_image_check((const unsigned char *)body.base,
				      body.len, PHOTO_FIELD, &info, &clean,
				      &err);
	if (rc == LD_OK && info.type != declared)
		rc = ld_fail(&err, LD_EINVAL, PHOTO_FIELD,
			     "相片文件的内容是 %s，与声明的类型 %s 不符",
			     ld_image_media_type(info.type),
			     ld_image_media_type(declared));
	char sm3[LD_SM3_HEX_LEN + 1];
	if (rc == LD_OK && ld_sm3_hex(clean.data, clean.len, sm3) != LD_OK)
		rc = ld_fail(&err, LD_EINTERNAL, NULL, "无法计算相片的杂凑值");
	struct ld_pending *p =
		rc == LD_OK ? ld_pending_new(r, sizeof(struct photo_job)) : NULL;
	unsigned char *data = p ? ld_arena_alloc(&p->arena, clean.len) : NULL;
	if (rc != LD_OK || !data) {
		ld_buf_release(&clean);
		if (p) {
			ld_arena_release(&p->arena);
			free(p);
		}
		ld_reply_status(r, rc != LD_OK ? rc : LD_ENOMEM, &err);
		return;
	}
	memcpy(data, clean.data, clean.len);
	struct photo_job *j = p->data;
	ld_audit_now(j->now);
	j->photo = (ld_photo){
		.person_id = person_id,
		.content_type = ld_image_media_type(info.type),
		.width = (int)info.width,
		.height = (int)info.height,
		.bytes = (int64_t)clean.len,
		.sm3 = ld_arena_strdup(&p->arena, sm3),
		.data = data,
		.channel = r->resident ? "online" : "counter",
		.user_id = r->resident ? 0 : r->user.id,
		.created_at = j->now,
	};
	ld_buf_release(&clean);
	p->job.run = photo_run;
	p->finish = photo_finish;
	char target[48];
	snprintf(target, sizeof target, "person:%lld", (long long)person_id);
	ld_pending_audit(r, p, action, target, NULL, NULL);
	ld_pending_submit(r, p);
}

void h_person_photo_put(struct ld_req *r)
{
	photo_store(r, r->target_person->id, "person:photo");
}

void h_resident_photo_put(struct ld_req *r)
{
	photo_store(r, r->resident_person->id, "resident:photo");
}

/* ---- showing one ----------------------------------------------------- */

ld_status ld_permit_photo(struct ld_req *r, const ld_permit *p,
			  bool with_data, ld_photo *out)
{
	const struct ld_store_ops *ops = r->srv->ops;
	ld_permit_version *vers;
	size_t n;
	ld_status rc = ops->versions_of(r->th->reader, p->id, &r->arena, &vers,
					&n);
	if (rc != LD_OK)
		return rc;
	/* The card: its current version, or the last one made. */
	const ld_permit_version *card = NULL;
	for (size_t i = n; i-- > 0 && !card;)
		if (!vers[i].invalidated_date)
			card = &vers[i];
	if (!card && n)
		card = &vers[n - 1];
	if (card)
		return card->photo_id ? ops->photo_get(r->th->reader,
						       card->photo_id,
						       with_data, &r->arena,
						       out)
				      : LD_ENOTFOUND;
	/* Not made yet: the photo it will carry. */
	return ops->photo_current(r->th->reader, p->person_id, with_data,
				  &r->arena, out);
}

/* Send a photo's file once its read is audited under `action`. */
static void send_photo(struct ld_req *r, const ld_photo *ph,
		       const char *action, const char *target)
{
	ld_buf b;
	ld_buf_init(&b, PHOTO_MAX_BYTES + 1);
	if (ld_buf_add(&b, ph->data, (size_t)ph->bytes) != LD_OK) {
		ld_buf_release(&b);
		ld_reply_error(r, LD_HE_INTERNAL, NULL, NULL);
		return;
	}
	ld_req_carries(r, "persons", ph->person_id);
	ld_reply_audited_typed(r, &b, 200, ph->content_type, action, target);
}

static void reply_photo(struct ld_req *r, ld_status rc, const ld_photo *ph,
			const char *action)
{
	if (rc == LD_ENOTFOUND) {
		ld_reply_error(r, LD_HE_NOT_FOUND, "尚未采集相片", NULL);
		return;
	}
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	char target[48];
	snprintf(target, sizeof target, "person:%lld",
		 (long long)ph->person_id);
	send_photo(r, ph, action, target);
}

void h_person_photo_get(struct ld_req *r)
{
	ld_photo ph;
	ld_status rc = r->srv->ops->photo_current(
		r->th->reader, r->target_person->id, true, &r->arena, &ph);
	reply_photo(r, rc, &ph, "person:photo_read");
}

void h_permit_photo_get(struct ld_req *r)
{
	ld_photo ph;
	ld_status rc = ld_permit_photo(r, r->target_permit, true, &ph);
	reply_photo(r, rc, &ph, "person:photo_read");
}

void h_resident_photo_get(struct ld_req *r)
{
	ld_photo ph;
	ld_status rc = r->srv->ops->photo_get(r->th->reader, r->path_id, true,
					      &r->arena, &ph);
	/* Only their own: another person's photo is as absent as none. */
	if (rc == LD_OK && ph.person_id != r->resident_person->id)
		rc = LD_ENOTFOUND;
	if (rc == LD_ENOTFOUND) {
		ld_reply_error(r, LD_HE_NOT_FOUND, NULL, NULL);
		return;
	}
	reply_photo(r, rc, &ph, "resident:photo_read");
}
