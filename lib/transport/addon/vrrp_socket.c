/*
 * vrrp_socket: what the daemon needs in its own process and neither raw-socket nor cap gives it.
 *
 * 1. An IPv6 raw socket read with recvmsg, so the hop limit (IPV6_HOPLIMIT, RFC 3542 §6) and the destination
 *    (IPV6_PKTINFO) of each packet arrive with it: RFC 9568 §7.1 rule 1 needs the hop limit, which a raw IPv6
 *    socket strips with the header and raw-socket's recvfrom cannot read. Each packet is handed to JavaScript
 *    behind a rebuilt 40-byte IPv6 header, so the one receive path (packet/receive) validates it.
 *    Sends go with sendmsg and IPV6_PKTINFO carrying the source: the kernel then selects no source, a scan of
 *    every address of the interface per send (122-137 us with a MASTER's 255 IPv6 VIPs on it).
 * 2. An AF_PACKET socket that only sends whole Ethernet frames (gratuitous ARP, unsolicited NA): sendto
 *    fails with an errno when the link is down, where cap's libpcap handle aborts the process.
 *
 * 3. A timerfd (CLOCK_MONOTONIC) polled on the event loop: the daemon's timers wake within tens of
 *    microseconds of their deadline, where libuv's timers count whole milliseconds from a loop time that lags
 *    (a setTimeout fires 0.5-1.5 ms late).
 * 4. An IPv4 raw socket read with recvmsg (IP_PKTINFO), for the same receive times: raw-socket reads with
 *    recvfrom, one packet per wake-up and no stamp (the IPv4 transport keeps raw-socket for its sends).
 * 5. Kernel receive times: each packet's SO_TIMESTAMPNS, passed as its age when JavaScript is called.
 *
 * Every call returns a negative errno instead of throwing; JavaScript names it (util.getSystemErrorName).
 * All sockets are non-blocking and close-on-exec. MIT licence, as the rest of the package.
 */
#define _GNU_SOURCE /* struct in6_pktinfo, IPV6_RECVPKTINFO (RFC 3542) */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum { WATCH_IPV6, WATCH_IPV4, WATCH_TIMER };

/** Bytes of the rebuilt IPv6 header in front of each received packet. */
#define IPV6_HEADER 40
/** Packets read per readable event at most (the poll is level-triggered: the rest come next turn). */
#define READS_PER_WAKE 64

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) return NULL;                                                                                \
  } while (0)

static napi_value int_value(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

/** Reads `argc` arguments into argv; fails (NULL) with a TypeError when fewer were passed. */
static int get_args(napi_env env, napi_callback_info info, size_t argc, napi_value *argv) {
  size_t n = argc;
  if (napi_get_cb_info(env, info, &n, argv, NULL, NULL) != napi_ok) return 0;
  if (n < argc) {
    napi_throw_type_error(env, NULL, "vrrp_socket: too few arguments");
    return 0;
  }
  return 1;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a number");
    return 0;
  }
  return 1;
}

/** A Buffer's bytes; `min` bytes at least. */
static int get_bytes(napi_env env, napi_value v, size_t min, uint8_t **data, size_t *len) {
  bool is;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is || napi_get_buffer_info(env, v, (void **)data, len) != napi_ok || *len < min) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a Buffer");
    return 0;
  }
  return 1;
}

/** An option set to 1 on a new receive socket. */
typedef struct {
  int level, name;
} option_t;

/** IPv6: hop limit, destination and traffic class of each packet, and its receive time. */
static const option_t V6_OPTIONS[] = {{IPPROTO_IPV6, IPV6_RECVHOPLIMIT}, {IPPROTO_IPV6, IPV6_RECVPKTINFO}, {IPPROTO_IPV6, IPV6_RECVTCLASS}, {SOL_SOCKET, SO_TIMESTAMPNS}};
/** IPv4: the interface index of each packet and its receive time (the header comes with the packet). */
static const option_t V4_OPTIONS[] = {{IPPROTO_IP, IP_PKTINFO}, {SOL_SOCKET, SO_TIMESTAMPNS}};

/** A raw socket of `domain` and the JS argument's protocol with `options` set. -> fd | -errno */
static napi_value raw_socket(napi_env env, napi_callback_info info, int domain, const option_t *options, size_t count) {
  napi_value argv[1];
  int32_t protocol;
  if (!get_args(env, info, 1, argv) || !get_int(env, argv[0], &protocol)) return NULL;
  int fd = socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return int_value(env, -errno);
  int on = 1;
  for (size_t i = 0; i < count; i++) {
    if (setsockopt(fd, options[i].level, options[i].name, &on, sizeof on) < 0) {
      int e = errno;
      close(fd);
      return int_value(env, -e);
    }
  }
  return int_value(env, fd);
}

/** socket6(protocol): a raw IPv6 socket that reports hop limit, destination, traffic class and receive time. -> fd | -errno */
static napi_value socket6(napi_env env, napi_callback_info info) {
  return raw_socket(env, info, AF_INET6, V6_OPTIONS, sizeof V6_OPTIONS / sizeof V6_OPTIONS[0]);
}

/**
 * socket4(protocol): a raw IPv4 socket of `protocol` for receiving (each packet with its IPv4 header, the
 * interface index and the kernel's receive time). -> fd | -errno
 */
static napi_value socket4(napi_env env, napi_callback_info info) {
  return raw_socket(env, info, AF_INET, V4_OPTIONS, sizeof V4_OPTIONS / sizeof V4_OPTIONS[0]);
}

/** packetSocket(): an AF_PACKET raw socket bound to no protocol, so it receives nothing. -> fd | -errno */
static napi_value packet_socket(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return int_value(env, fd < 0 ? -errno : fd);
}

/** setOption(fd, level, name, value: int | Buffer) -> 0 | -errno */
static napi_value set_option(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, name;
  if (!get_args(env, info, 4, argv) || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &level) || !get_int(env, argv[2], &name)) return NULL;
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[3], &t));
  int rc;
  if (t == napi_number) {
    int32_t v;
    if (!get_int(env, argv[3], &v)) return NULL;
    int iv = v;
    rc = setsockopt(fd, level, name, &iv, sizeof iv);
  } else {
    uint8_t *data;
    size_t len;
    if (!get_bytes(env, argv[3], 0, &data, &len)) return NULL;
    rc = setsockopt(fd, level, name, data, (socklen_t)len);
  }
  return int_value(env, rc < 0 ? -errno : 0);
}

/** closeFd(fd) -> 0 | -errno */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv) || !get_int(env, argv[0], &fd)) return NULL;
  return int_value(env, close(fd) < 0 ? -errno : 0);
}

/**
 * send6(fd, buf, length, dst: 16 bytes, src: 16 bytes | null, ifindex, hopLimit) -> bytes | -errno.
 * `src` null: the kernel picks the source. `hopLimit` < 0: the socket's IPV6_*_HOPS.
 */
static napi_value send6(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  int32_t fd, length, ifindex, hop;
  uint8_t *buf, *dst, *src = NULL;
  size_t buf_len, dst_len, src_len;
  if (!get_args(env, info, 7, argv) || !get_int(env, argv[0], &fd) || !get_bytes(env, argv[1], 0, &buf, &buf_len) ||
      !get_int(env, argv[2], &length) || !get_bytes(env, argv[3], 16, &dst, &dst_len) || !get_int(env, argv[5], &ifindex) ||
      !get_int(env, argv[6], &hop))
    return NULL;
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[4], &t));
  if (t != napi_null && t != napi_undefined && !get_bytes(env, argv[4], 16, &src, &src_len)) return NULL;
  if (length < 0 || (size_t)length > buf_len) {
    napi_throw_range_error(env, NULL, "vrrp_socket: length out of range");
    return NULL;
  }
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  memcpy(&to.sin6_addr, dst, 16);
  to.sin6_scope_id = (uint32_t)ifindex;
  struct iovec iov = {.iov_base = buf, .iov_len = (size_t)length};
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes};
  struct cmsghdr *c = (struct cmsghdr *)control.bytes;
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
  struct in6_pktinfo pi;
  memset(&pi, 0, sizeof pi);
  if (src) memcpy(&pi.ipi6_addr, src, 16);
  pi.ipi6_ifindex = (unsigned)ifindex;
  memcpy(CMSG_DATA(c), &pi, sizeof pi);
  size_t control_len = CMSG_SPACE(sizeof(struct in6_pktinfo));
  if (hop >= 0) {
    c = (struct cmsghdr *)(control.bytes + control_len);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_HOPLIMIT;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    int h = hop;
    memcpy(CMSG_DATA(c), &h, sizeof h);
    control_len += CMSG_SPACE(sizeof(int));
  }
  msg.msg_controllen = control_len;
  ssize_t n = sendmsg(fd, &msg, 0);
  return int_value(env, n < 0 ? -errno : n);
}

/** sendFrame(fd, ifindex, frame, length) -> bytes | -errno. The frame starts with its Ethernet header. */
static napi_value send_frame(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, ifindex, length;
  uint8_t *frame;
  size_t frame_len;
  if (!get_args(env, info, 4, argv) || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &ifindex) ||
      !get_bytes(env, argv[2], 0, &frame, &frame_len) || !get_int(env, argv[3], &length))
    return NULL;
  if (length < 14 || (size_t)length > frame_len) {
    napi_throw_range_error(env, NULL, "vrrp_socket: a frame needs its 14-byte Ethernet header");
    return NULL;
  }
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex;
  memcpy(&to.sll_protocol, frame + 12, 2);
  to.sll_halen = 6;
  memcpy(to.sll_addr, frame, 6);
  ssize_t n = sendto(fd, frame, (size_t)length, 0, (struct sockaddr *)&to, sizeof to);
  return int_value(env, n < 0 ? -errno : n);
}

/** A socket watched for packets (see `watch`). */
typedef struct {
  uv_poll_t poll;
  napi_env env;
  int fd;
  /** What is read: WATCH_IPV6 packets (a header rebuilt), WATCH_IPV4 packets (as read), WATCH_TIMER expiries. */
  int kind;
  uint8_t next_header;
  uint8_t *data;
  size_t capacity;
  napi_ref buffer;
  napi_ref callback;
  /** The object the callback is called on (napi_make_callback needs an object) and the async resource. */
  napi_ref resource;
  napi_async_context context;
  int stopped;
} watcher_t;

/**
 * Calls the JS callback with (length, ifindex, age ns | -1), (-errno, 0, -1) or, the poll failed,
 * (-errno, -1, -1); a throw goes to 'uncaughtException'.
 */
static void call_back(watcher_t *w, napi_value recv, napi_value fn, int64_t a, int64_t b, int64_t c) {
  napi_value args[3] = {int_value(w->env, a), int_value(w->env, b), int_value(w->env, c)};
  napi_value result;
  if (napi_make_callback(w->env, w->context, recv, fn, 3, args, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(w->env, &err);
    napi_fatal_exception(w->env, err);
  }
}

/** Nanoseconds since `stamp` (CLOCK_REALTIME, as SO_TIMESTAMPNS gives it), 0 when it lies ahead. */
static int64_t age_ns(const struct timespec *stamp) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t age = (int64_t)(now.tv_sec - stamp->tv_sec) * 1000000000 + (now.tv_nsec - stamp->tv_nsec);
  return age > 0 ? age : 0;
}

/**
 * Reads one IPv4 packet (header included, as a raw IPv4 socket gives it); `*age` as for read_packet.
 * -> bytes in the buffer, 0 for nothing to read, -errno.
 */
static ssize_t read_packet4(watcher_t *w, int32_t *ifindex, int64_t *age) {
  struct iovec iov = {.iov_base = w->data, .iov_len = w->capacity};
  union {
    char bytes[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(struct timespec))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
  ssize_t n = recvmsg(w->fd, &msg, 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
  *age = -1;
  *ifindex = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec stamp;
      memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      *age = age_ns(&stamp);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof pi);
      *ifindex = pi.ipi_ifindex;
    }
  }
  return n;
}

/**
 * Reads one packet behind a rebuilt IPv6 header; `*age` is the ns since the kernel received it (-1: no
 * stamp). -> bytes in the buffer, 0 for nothing to read, -errno.
 */
static ssize_t read_packet(watcher_t *w, int32_t *ifindex, int64_t *age) {
  struct sockaddr_in6 from;
  struct iovec iov = {.iov_base = w->data + IPV6_HEADER, .iov_len = w->capacity - IPV6_HEADER};
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 2 * CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct timespec))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
  ssize_t n = recvmsg(w->fd, &msg, 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
  int hop = 0, tclass = 0;
  struct in6_pktinfo pi;
  memset(&pi, 0, sizeof pi);
  *age = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec stamp;
      memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      *age = age_ns(&stamp);
    }
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_HOPLIMIT) memcpy(&hop, CMSG_DATA(c), sizeof hop);
    else if (c->cmsg_type == IPV6_TCLASS) memcpy(&tclass, CMSG_DATA(c), sizeof tclass);
    else if (c->cmsg_type == IPV6_PKTINFO) memcpy(&pi, CMSG_DATA(c), sizeof pi);
  }
  /* A packet without its hop limit is passed with 0, which the receive rules drop (rule 1). */
  uint8_t *h = w->data;
  h[0] = (uint8_t)(0x60 | ((tclass >> 4) & 0x0f));
  h[1] = (uint8_t)((tclass & 0x0f) << 4);
  h[2] = h[3] = 0;
  h[4] = (uint8_t)(n >> 8);
  h[5] = (uint8_t)n;
  h[6] = w->next_header;
  h[7] = (uint8_t)hop;
  memcpy(h + 8, &from.sin6_addr, 16);
  memcpy(h + 24, &pi.ipi6_addr, 16);
  *ifindex = (int32_t)pi.ipi6_ifindex;
  return IPV6_HEADER + n;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  watcher_t *w = (watcher_t *)handle->data;
  if (w->stopped) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) != napi_ok) return;
  napi_value fn, recv;
  napi_get_reference_value(w->env, w->callback, &fn);
  napi_get_reference_value(w->env, w->resource, &recv);
  if (status < 0) {
    call_back(w, recv, fn, status, -1, -1);
  } else if (w->kind == WATCH_TIMER) {
    /* Nothing to read: the timer was set again after it expired (timerfd_settime clears the count). */
    uint64_t expirations;
    if (read(w->fd, &expirations, sizeof expirations) == (ssize_t)sizeof expirations) call_back(w, recv, fn, 1, 0, -1);
  } else {
    for (int i = 0; i < READS_PER_WAKE && !w->stopped; i++) {
      int32_t ifindex = 0;
      int64_t age = -1;
      ssize_t n = w->kind == WATCH_IPV4 ? read_packet4(w, &ifindex, &age) : read_packet(w, &ifindex, &age);
      if (n == 0) break;
      call_back(w, recv, fn, n, ifindex, n < 0 ? -1 : age);
      if (n < 0) break;
    }
  }
  napi_close_handle_scope(w->env, scope);
}

static void on_closed(uv_handle_t *handle) {
  watcher_t *w = (watcher_t *)handle->data;
  if (w->buffer != NULL) napi_delete_reference(w->env, w->buffer);
  napi_delete_reference(w->env, w->callback);
  napi_delete_reference(w->env, w->resource);
  napi_async_destroy(w->env, w->context);
  free(w);
}

/** Starts polling `fd` for reading `kind`: packets into `buffer` (a Buffer value), or timer expiries (`buffer` NULL). */
static napi_value start_watch(napi_env env, int kind, int32_t fd, napi_value buffer, uint8_t *data, size_t len, int32_t next_header, napi_value callback) {
  napi_valuetype t;
  CHECK(napi_typeof(env, callback, &t));
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a callback");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watcher_t *w = calloc(1, sizeof *w);
  if (!w) {
    napi_throw_error(env, NULL, "vrrp_socket: out of memory");
    return NULL;
  }
  w->env = env;
  w->fd = fd;
  w->kind = kind;
  w->next_header = (uint8_t)next_header;
  w->data = data;
  w->capacity = len;
  napi_value name, handle;
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc < 0) {
    free(w);
    return int_value(env, rc);
  }
  w->poll.data = w;
  if (buffer != NULL) napi_create_reference(env, buffer, 1, &w->buffer);
  napi_create_reference(env, callback, 1, &w->callback);
  napi_create_string_utf8(env, "vrrp_socket.watch", NAPI_AUTO_LENGTH, &name);
  napi_create_object(env, &handle);
  napi_create_reference(env, handle, 1, &w->resource);
  napi_async_init(env, handle, name, &w->context);
  rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  if (rc < 0) {
    w->stopped = 1;
    uv_close((uv_handle_t *)&w->poll, on_closed);
    return int_value(env, rc);
  }
  napi_value external;
  CHECK(napi_create_external(env, w, NULL, NULL, &external));
  return external;
}

/**
 * watch(fd, buffer, nextHeader, callback(length | -errno, ifindex, ageNs)) -> handle. Each readable packet is
 * written to `buffer` as a 40-byte IPv6 header (hop limit, source, destination, traffic class as received,
 * next header `nextHeader`) and its payload, then `callback(length, ifindex, ageNs)` runs, `ageNs` the time
 * since the kernel received it (-1: no stamp); `buffer` must hold 40 + 65535 bytes. A read error calls
 * `callback(-errno, 0, -1)`; a poll error (the socket is unusable) `callback(-errno, -1, -1)`.
 */
static napi_value watch(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, next_header;
  uint8_t *data;
  size_t len;
  if (!get_args(env, info, 4, argv) || !get_int(env, argv[0], &fd) || !get_bytes(env, argv[1], IPV6_HEADER + 65535, &data, &len) ||
      !get_int(env, argv[2], &next_header))
    return NULL;
  return start_watch(env, WATCH_IPV6, fd, argv[1], data, len, next_header, argv[3]);
}

/**
 * watch4(fd, buffer, callback(length | -errno, ifindex, ageNs)) -> handle: as `watch` for a socket4 socket,
 * each packet written to `buffer` (65535 bytes at least) as read, its IPv4 header first.
 */
static napi_value watch4(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint8_t *data;
  size_t len;
  if (!get_args(env, info, 3, argv) || !get_int(env, argv[0], &fd) || !get_bytes(env, argv[1], 65535, &data, &len)) return NULL;
  return start_watch(env, WATCH_IPV4, fd, argv[1], data, len, 0, argv[2]);
}

/** timerFd(): a non-blocking CLOCK_MONOTONIC timerfd, disarmed. -> fd | -errno */
static napi_value timer_fd(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  return int_value(env, fd < 0 ? -errno : fd);
}

/** timerSet(fd, delayNs): expires once `delayNs` (> 0) from now; 0 disarms. A pending expiry is dropped. -> 0 | -errno */
static napi_value timer_set(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  int64_t delay;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd)) return NULL;
  if (napi_get_value_int64(env, argv[1], &delay) != napi_ok || delay < 0) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a delay of 0 or more nanoseconds");
    return NULL;
  }
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  spec.it_value.tv_sec = (time_t)(delay / 1000000000);
  spec.it_value.tv_nsec = (long)(delay % 1000000000);
  return int_value(env, timerfd_settime(fd, 0, &spec, NULL) < 0 ? -errno : 0);
}

/** watchTimer(fd, callback(1 | -errno, 0 | -1, -1)) -> handle: `callback(1, 0, -1)` at each expiry of the timerfd. */
static napi_value watch_timer(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd)) return NULL;
  return start_watch(env, WATCH_TIMER, fd, NULL, NULL, 0, 0, argv[1]);
}

/** unwatch(handle): stops the poll; the socket stays open (closeFd it after). Idempotent. */
static napi_value unwatch(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  watcher_t *w;
  if (napi_get_value_external(env, argv[0], (void **)&w) != napi_ok) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a watch handle");
    return NULL;
  }
  if (!w->stopped) {
    w->stopped = 1;
    uv_poll_stop(&w->poll);
    uv_close((uv_handle_t *)&w->poll, on_closed);
  }
  return NULL;
}

/** keepAlive(handle, on): whether the poll keeps the event loop alive (uv_ref / uv_unref); polls start keeping it. */
static napi_value keep_alive(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  watcher_t *w;
  bool on;
  if (napi_get_value_external(env, argv[0], (void **)&w) != napi_ok || napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "vrrp_socket: expected a watch handle and a boolean");
    return NULL;
  }
  if (!w->stopped) {
    if (on) uv_ref((uv_handle_t *)&w->poll);
    else uv_unref((uv_handle_t *)&w->poll);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"socket6", NULL, socket6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"socket4", NULL, socket4, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch4", NULL, watch4, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSocket", NULL, packet_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setOption", NULL, set_option, NULL, NULL, NULL, napi_enumerable, NULL},
      {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send6", NULL, send6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendFrame", NULL, send_frame, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch", NULL, watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatch", NULL, unwatch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"timerFd", NULL, timer_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"timerSet", NULL, timer_set, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchTimer", NULL, watch_timer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepAlive", NULL, keep_alive, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
