// Linux interfaces that Glibc's Swift module does not export (epoll, eventfd, timerfd, signalfd),
// plus typed wrappers for variadic or macro-based calls Swift cannot import.
#ifndef CLINUX_H
#define CLINUX_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <fcntl.h>

/// fcntl(fd, F_SETFL, flags | O_NONBLOCK): fcntl is variadic, so Swift cannot call it directly.
int clinux_set_nonblocking(int fd);

/// fcntl(fd, F_SETFD, FD_CLOEXEC).
int clinux_set_cloexec(int fd);

/// accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC): accept4 is hidden behind _GNU_SOURCE.
int clinux_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length);

/// The epoll_data of an event as a 64-bit integer (the union is awkward from Swift).
static inline unsigned long long clinux_epoll_event_data(const struct epoll_event *event) { return event->data.u64; }

static inline struct epoll_event clinux_epoll_event_make(unsigned int events, unsigned long long data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return event;
}

#endif
