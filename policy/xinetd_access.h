/*
 * xinetd_access.h: a service's only_from and no_access lists, decided for
 * a client end point (policy/xinetd_access.c).
 */
#ifndef HINETD_XINETD_ACCESS_H
#define HINETD_XINETD_ACCESS_H

#include "policy/hosts_access.h"
#include "policy/service.h"

enum xa_result { XA_ADMIT = 0, XA_DENY, XA_NEED_NAME };

/*
 * XA_ADMIT, XA_DENY (*why: ATTR_NO_ACCESS or ATTR_ONLY_FROM), or
 * XA_NEED_NAME when a name entry decides and the client's name was not
 * looked up (HA_NAME_UNSET).
 */
enum xa_result xinetd_access(const struct service *svc,
         const struct ha_endpoint *client, enum svc_attr *why);

#endif
