/*
 * fuzz_body.c — the JSON body check of the registration route, the largest
 * schema the server accepts from clients: any bytes must give either a
 * checked body or an error naming a field, never a crash or a leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/body.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ld_field *schema;
	if (!schema)
		for (size_t i = 0; i < ld_route_count; i++)
			if (strcmp(ld_routes[i].path, "/api/v1/registrations") == 0 &&
			    strcmp(ld_routes[i].method, "POST") == 0)
				schema = ld_routes[i].body;
	json_t *body = NULL;
	ld_body_error err;
	if (ld_body_parse((const char *)data, size, schema, &body, &err))
		json_decref(body);
	return 0;
}
