#ifndef TERN_CRESOLV_SHIM_H
#define TERN_CRESOLV_SHIM_H

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <netdb.h>

// res_ninit is #defined to __res_ninit; give Swift one stable name for each call it needs.
static inline int tern_res_ninit(res_state state) { return res_ninit(state); }
static inline void tern_res_nclose(res_state state) { res_nclose(state); }
static inline int tern_ns_t_srv(void) { return ns_t_srv; }
static inline int tern_ns_c_in(void) { return ns_c_in; }

#endif
