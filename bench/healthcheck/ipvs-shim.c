/*
 * LD_PRELOAD shim for the keepalived reference in the health-check bench only.
 * keepalived's checker exits FATAL when IPVS is missing (this kernel has none).
 * Its libipvs falls back from generic netlink to [gs]etsockopt on a raw socket;
 * this shim answers those IP_VS_SO_* calls with success and an empty table, so
 * the checkers run while no kernel IPVS state is ever touched. Never used by lvsha.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#define IP_VS_BASE_CTL (64 + 1024 + 64)
#define IP_VS_SO_GET_VERSION IP_VS_BASE_CTL
#define IP_VS_SO_GET_INFO (IP_VS_BASE_CTL + 1)
#define IS_IPVS(level, opt) ((level) == IPPROTO_IP && (opt) >= IP_VS_BASE_CTL && (opt) <= IP_VS_BASE_CTL + 20)

int setsockopt(int fd, int level, int opt, const void *val, socklen_t len) {
	static int (*real)(int, int, int, const void *, socklen_t);
	if (IS_IPVS(level, opt)) return 0;
	if (!real) real = dlsym(RTLD_NEXT, "setsockopt");
	return real(fd, level, opt, val, len);
}

int getsockopt(int fd, int level, int opt, void *val, socklen_t *len) {
	static int (*real)(int, int, int, void *, socklen_t *);
	if (IS_IPVS(level, opt)) {
		if (val && len) memset(val, 0, *len);
		if (opt == IP_VS_SO_GET_INFO && val && len && *len >= 12) {
			unsigned int *u = val;
			u[0] = 0x010201; /* version 1.2.1 */
			u[1] = 4096;     /* connection table size */
			u[2] = 0;        /* services */
		} else if (opt == IP_VS_SO_GET_VERSION && val && len && *len > 32) {
			strcpy(val, "IP Virtual Server version 1.2.1 (size=4096)");
		}
		return 0;
	}
	if (!real) real = dlsym(RTLD_NEXT, "getsockopt");
	return real(fd, level, opt, val, len);
}
