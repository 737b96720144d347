/*
 * lvsha's own small native helper: the few socket calls Node has no API for.
 *   sendPacket(ifindex, ethertype, dstMac, payload)  AF_PACKET/SOCK_DGRAM: gratuitous ARP, unsolicited NA
 *   sendUnixDgram(path, data)                         syslog datagrams to /dev/log
 *   icmpEcho(family, addr, id, seq, timeoutMs)         one ICMP/ICMPv6 echo, on the libuv thread pool -> Promise<rttMs|-1>
 * N-API only, so one build serves every Node version; embedded in the SEA like netlink's addon.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_value code, message, error;
  const char *name = err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == ENODEV ? "ENODEV"
                   : err == ENXIO ? "ENXIO" : err == ENOENT ? "ENOENT" : err == ENETDOWN ? "ENETDOWN" : "EIO";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_value errnoval;
  napi_create_int32(env, err, &errnoval);
  napi_set_named_property(env, error, "errno", errnoval);
  napi_throw(env, error);
  return NULL;
}

static int get_buffer(napi_env env, napi_value v, void **data, size_t *len) {
  bool is_buf = false;
  napi_is_buffer(env, v, &is_buf);
  if (is_buf) return napi_get_buffer_info(env, v, data, len) == napi_ok;
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) return 0;
  napi_typedarray_type t; napi_value ab; size_t off;
  return napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) == napi_ok;
}

static napi_value send_packet(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) { napi_throw_type_error(env, NULL, "sendPacket(ifindex, ethertype, dstMac, payload)"); return NULL; }
  int32_t ifindex, ethertype; void *mac, *payload; size_t maclen, plen;
  napi_get_value_int32(env, argv[0], &ifindex);
  napi_get_value_int32(env, argv[1], &ethertype);
  if (!get_buffer(env, argv[2], &mac, &maclen) || maclen != 6 || !get_buffer(env, argv[3], &payload, &plen)) {
    napi_throw_type_error(env, NULL, "dstMac must be 6 bytes and payload a Buffer"); return NULL;
  }
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons((uint16_t)ethertype));
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)", errno);
  struct sockaddr_ll sll; memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET; sll.sll_protocol = htons((uint16_t)ethertype);
  sll.sll_ifindex = ifindex; sll.sll_halen = 6; memcpy(sll.sll_addr, mac, 6);
  ssize_t n = sendto(fd, payload, plen, 0, (struct sockaddr *)&sll, sizeof sll);
  int err = errno; close(fd);
  if (n < 0) return throw_errno(env, "sendto(AF_PACKET)", err);
  napi_value r; napi_create_int32(env, (int32_t)n, &r); return r;
}

static napi_value send_unix_dgram(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; size_t plen; void *data; size_t dlen;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &plen) != napi_ok || !get_buffer(env, argv[1], &data, &dlen)) {
    napi_throw_type_error(env, NULL, "sendUnixDgram(path, data)"); return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_UNIX)", errno);
  struct sockaddr_un sun; memset(&sun, 0, sizeof sun); sun.sun_family = AF_UNIX; memcpy(sun.sun_path, path, plen);
  ssize_t n = sendto(fd, data, dlen, MSG_DONTWAIT, (struct sockaddr *)&sun, sizeof sun);
  int err = errno; close(fd);
  if (n < 0) return throw_errno(env, "sendto(AF_UNIX)", err);
  napi_value r; napi_create_int32(env, (int32_t)n, &r); return r;
}

/* ---- ICMP echo on the thread pool ---- */
typedef struct {
  napi_async_work work; napi_deferred deferred;
  int family; uint8_t addr[16]; uint16_t id, seq; int timeout_ms;
  double rtt_ms; int err;
} echo_req;

static uint16_t csum(const void *p, size_t n) {
  const uint8_t *b = p; uint32_t s = 0;
  for (; n > 1; n -= 2, b += 2) s += (uint32_t)(b[0] << 8 | b[1]);
  if (n) s += (uint32_t)(b[0] << 8);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return htons((uint16_t)~s);
}

static double now_ms(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6; }

static void echo_exec(napi_env env, void *data) {
  (void)env; echo_req *r = data; r->rtt_ms = -1; r->err = 0;
  int v6 = r->family == 6;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
  if (fd < 0) { r->err = errno; return; }
  uint8_t pkt[64]; memset(pkt, 0, sizeof pkt);
  pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  pkt[4] = r->id >> 8; pkt[5] = r->id & 0xff; pkt[6] = r->seq >> 8; pkt[7] = r->seq & 0xff;
  memcpy(pkt + 8, "lvsha-check", 11);
  if (!v6) { uint16_t c = csum(pkt, sizeof pkt); memcpy(pkt + 2, &c, 2); } /* the kernel fills the ICMPv6 checksum */
  struct sockaddr_storage ss; socklen_t sl; memset(&ss, 0, sizeof ss);
  if (v6) { struct sockaddr_in6 *a = (void *)&ss; a->sin6_family = AF_INET6; memcpy(&a->sin6_addr, r->addr, 16); sl = sizeof *a; }
  else { struct sockaddr_in *a = (void *)&ss; a->sin_family = AF_INET; memcpy(&a->sin_addr, r->addr, 4); sl = sizeof *a; }
  double t0 = now_ms();
  if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&ss, sl) < 0) { r->err = errno; close(fd); return; }
  for (;;) {
    int left = r->timeout_ms - (int)(now_ms() - t0);
    if (left <= 0) break;
    struct pollfd pfd = { fd, POLLIN, 0 };
    if (poll(&pfd, 1, left) <= 0) break;
    uint8_t buf[1500]; struct sockaddr_storage from; socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n <= 0) continue;
    uint8_t *icmp = buf; ssize_t len = n;
    if (!v6) { int ihl = (buf[0] & 0x0f) * 4; icmp = buf + ihl; len -= ihl; }
    if (len < 8) continue;
    int is_reply = v6 ? icmp[0] == ICMP6_ECHO_REPLY : icmp[0] == ICMP_ECHOREPLY;
    uint16_t id = (uint16_t)(icmp[4] << 8 | icmp[5]), seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
    int same_src = v6 ? memcmp(&((struct sockaddr_in6 *)&from)->sin6_addr, r->addr, 16) == 0
                      : memcmp(&((struct sockaddr_in *)&from)->sin_addr, r->addr, 4) == 0;
    if (is_reply && id == r->id && seq == r->seq && same_src) { r->rtt_ms = now_ms() - t0; break; }
  }
  close(fd);
}

static void echo_done(napi_env env, napi_status status, void *data) {
  echo_req *r = data; napi_value v;
  if (status != napi_ok || r->err) {
    napi_value msg, code, e;
    napi_create_string_utf8(env, r->err ? strerror(r->err) : "cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_string_utf8(env, r->err == EPERM || r->err == EACCES ? "EPERM" : "EIO", NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, msg, &e);
    napi_reject_deferred(env, r->deferred, e);
  } else {
    napi_create_double(env, r->rtt_ms, &v);
    napi_resolve_deferred(env, r->deferred, v);
  }
  napi_delete_async_work(env, r->work);
  free(r);
}

static napi_value icmp_echo(napi_env env, napi_callback_info info) {
  size_t argc = 5; napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *addr; size_t alen; int32_t fam, id, seq, to;
  if (argc < 5 || !get_buffer(env, argv[1], &addr, &alen)) { napi_throw_type_error(env, NULL, "icmpEcho(family, addr, id, seq, timeoutMs)"); return NULL; }
  napi_get_value_int32(env, argv[0], &fam); napi_get_value_int32(env, argv[2], &id);
  napi_get_value_int32(env, argv[3], &seq); napi_get_value_int32(env, argv[4], &to);
  if ((fam == 4 && alen != 4) || (fam == 6 && alen != 16) || (fam != 4 && fam != 6)) { napi_throw_type_error(env, NULL, "address length does not match family"); return NULL; }
  echo_req *r = calloc(1, sizeof *r);
  r->family = fam; memcpy(r->addr, addr, alen); r->id = (uint16_t)id; r->seq = (uint16_t)seq; r->timeout_ms = to;
  napi_value promise, name;
  napi_create_promise(env, &r->deferred, &promise);
  napi_create_string_utf8(env, "lvsha.icmpEcho", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, echo_exec, echo_done, r, &r->work);
  napi_queue_async_work(env, r->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "sendPacket", NULL, send_packet, NULL, NULL, NULL, napi_default, NULL },
    { "sendUnixDgram", NULL, send_unix_dgram, NULL, NULL, NULL, napi_default, NULL },
    { "icmpEcho", NULL, icmp_echo, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
