/*
 * webhook.c — the SMS gateway notifier, through libcurl: POST
 * {"phone": "...", "text": "..."} as JSON to the operator's URL; any 2xx
 * answer within 5 seconds counts as sent. The one file that knows libcurl.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "notify/notify.h"

ld_notifier *ld_webhook_new(const char *url, ld_error *err);

struct webhook {
	ld_notifier base;
	char *url;
};

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static ld_status webhook_send(ld_notifier *n, const char *phone,
			      const char *text, ld_error *err)
{
	struct webhook *w = (struct webhook *)n;
	ld_status rc = LD_OK;
	json_t *body = json_pack("{s:s, s:s}", "phone", phone, "text", text);
	char json[2048];
	size_t len = body ? json_dumpb(body, json, sizeof json - 1, JSON_COMPACT)
			  : 0;
	CURL *c = curl_easy_init();
	struct curl_slist *headers = NULL;
	if (len == 0 || len >= sizeof json || !c) {
		rc = ld_fail(err, LD_ENOMEM, "sms", "内存不足");
		goto out;
	}
	headers = curl_slist_append(headers,
				    "Content-Type: application/json; charset=utf-8");
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	json[len] = '\0';
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	CURLcode cr = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cr != CURLE_OK || status < 200 || status > 299)
		rc = ld_fail(err, LD_EIO, "sms", "短信网关未能发送（%s，HTTP %ld）",
			     cr != CURLE_OK ? curl_easy_strerror(cr) : "拒绝",
			     status);
out:
	curl_slist_free_all(headers);
	if (c)
		curl_easy_cleanup(c);
	json_decref(body);
	return rc;
}

static void webhook_free(ld_notifier *n)
{
	struct webhook *w = (struct webhook *)n;
	free(w->url);
	free(w);
	curl_global_cleanup();
}

ld_notifier *ld_webhook_new(const char *url, ld_error *err)
{
	/* Made once at start, before any thread: libcurl's global set-up. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		ld_fail(err, LD_EINTERNAL, "sms", "无法初始化 HTTP 客户端");
		return NULL;
	}
	struct webhook *w = calloc(1, sizeof *w);
	if (!w || !(w->url = strdup(url))) {
		free(w);
		ld_fail(err, LD_ENOMEM, "sms", "内存不足");
		return NULL;
	}
	w->base.name = "webhook";
	w->base.send = webhook_send;
	w->base.free = webhook_free;
	return &w->base;
}
