/*
 * notify.c — choosing a notifier, and the demo notifier.
 */
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

ld_notifier *ld_webhook_new(const char *url, ld_error *err);

static ld_status demo_send(ld_notifier *n, const char *phone, const char *text,
			   ld_error *err)
{
	(void)n;
	(void)err;
	/* Only the last four digits of the phone go to the log. */
	size_t len = strlen(phone);
	fprintf(stderr, "liudong: 【演示】短信（未实际发送，仅供演示）to ***%s: %s\n",
		len >= 4 ? phone + len - 4 : phone, text);
	return LD_OK;
}

static void demo_free(ld_notifier *n)
{
	free(n);
}

ld_notifier *ld_notifier_new(const char *spec, ld_error *err)
{
	if (!spec || strcmp(spec, "demo") == 0) {
		ld_notifier *n = calloc(1, sizeof *n);
		if (!n) {
			ld_fail(err, LD_ENOMEM, "sms", "内存不足");
			return NULL;
		}
		n->name = "demo";
		n->demo = true;
		n->send = demo_send;
		n->free = demo_free;
		return n;
	}
	if (strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0)
		return ld_webhook_new(spec, err);
	ld_fail(err, LD_EINVAL, "sms", "短信方式应为 demo 或短信网关的 http(s) 网址");
	return NULL;
}
