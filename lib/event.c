/* Element names and small helpers shared by every event producer/consumer. */
#include <string.h>
#include "omacp/event.h"

static const char *const elem_names[OMACP_ELEM_COUNT_] = {
	NULL,
	"wap-provisioningdoc",
	"characteristic",
	"parm",
	"characteristic-query",
	"parm-query",
	"nocharacteristic",
	"noparm",
	"characteristic-error",
	"parm-error",
	"characteristic-query-error",
	"parm-query-error",
	"nocharacteristic-error",
	"noparm-error",
};

const char *omacp_elem_name(omacp_elem e)
{
	if ((int)e <= 0 || (int)e >= (int)OMACP_ELEM_COUNT_)
		return NULL;
	return elem_names[e];
}

omacp_elem omacp_elem_lookup(const char *s, size_t n)
{
	int i;
	for (i = 1; i < (int)OMACP_ELEM_COUNT_; i++) {
		const char *e = elem_names[i];
		size_t k = 0;
		while (k < n && e[k] && e[k] == s[k])
			k++;
		if (k == n && !e[k])
			return (omacp_elem)i;
	}
	return OMACP_ELEM_NONE;
}

int omacp_slice_eq(omacp_slice a, const char *s)
{
	size_t i;
	for (i = 0; i < a.len; i++) {
		if (s[i] == 0 || (uint8_t)s[i] != a.ptr[i])
			return 0;
	}
	return s[i] == 0;
}

const omacp_attr *omacp_event_attr(const omacp_event *ev, const char *name)
{
	size_t i;
	for (i = 0; i < ev->n_attrs; i++) {
		if (omacp_slice_eq(ev->attrs[i].name, name))
			return &ev->attrs[i];
	}
	return NULL;
}
