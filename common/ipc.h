/*
 * ipc.h: the messages between privd and the listener.
 *
 * One SOCK_SEQPACKET socketpair; every message is one packet of a fixed
 * size that depends only on its type, starting with struct ipc_hdr.  The
 * receiver checks version, type, exact size, the generation and the number
 * of passed descriptors before looking at anything else.
 *
 *   listener -> privd
 *     IPC_READY         listener confined and serving         no fd
 *     IPC_SPAWN_CONN    run a nowait service on this socket   1 fd
 *     IPC_SPAWN_WAIT    run a wait service on its own socket  no fd
 *     IPC_PONG          answer to IPC_PING                    no fd
 *   privd -> listener
 *     IPC_SPAWNED       child started (pid)                   no fd
 *     IPC_SPAWN_FAILED  nothing runs (reason, errno)          no fd
 *     IPC_EXITED        child ended (wait status)             no fd
 *     IPC_RETIRE        reload: stop accepting, finish the    no fd
 *                       built-in connections, then exit
 *     IPC_PING          are you alive? (privd kills a         no fd
 *                       listener that leaves it unanswered)
 */
#ifndef HINETD_IPC_H
#define HINETD_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define IPC_VERSION        4       /* 2: server host name in spawn requests;
                                      3: IPC_RETIRE; 4: IPC_PING, IPC_PONG */
#define IPC_HOST_MAX       256     /* confirmed host name, NUL included */
#define IPC_IDENT_MAX      64      /* ident (RFC 1413) user, NUL included */

enum ipc_type {
	IPC_READY = 1,
	IPC_SPAWN_CONN = 2,
	IPC_SPAWN_WAIT = 3,
	IPC_PONG = 4,           /* header only */
	IPC_SPAWNED = 64,
	IPC_SPAWN_FAILED = 65,
	IPC_EXITED = 66,
	IPC_RETIRE = 67,        /* header only */
	IPC_PING = 68,          /* header only */
};

/* Why a spawn request produced no child (IPC_SPAWN_FAILED.reason). */
enum ipc_fail_reason {
	IPC_FAIL_NONE = 0,
	IPC_FAIL_CHILDREN,      /* privd's global cap on live children */
	IPC_FAIL_FORK,          /* clone failed: err */
	IPC_FAIL_EXEC,          /* a confinement step or execve failed: err */
	IPC_FAIL_REJECTED,      /* the request failed validation */
	IPC_FAIL_GONE,          /* the client reset before the spawn */
	IPC_FAIL_BUSY,          /* wait service: a child (started for an earlier
	                           listener) still runs; IPC_EXITED follows */
};

struct ipc_hdr {
	uint16_t version;
	uint16_t type;
	uint32_t gen;           /* configuration generation */
};

struct ipc_spawn {
	struct ipc_hdr hdr;
	uint32_t svc_id;
	uint32_t token;         /* listener's own, echoed in reports */
	char     host[IPC_HOST_MAX];   /* "" or a confirmed name */
	char     ident[IPC_IDENT_MAX]; /* "" or the ident answer */
	/*
	 * "" or the confirmed name of the local address the client reached
	 * (daemon@host rules).  Only for privd's repetition of the access
	 * decision: never in the environment, never trusted for more.  A
	 * wait request carries none (all zero).
	 */
	char     server_host[IPC_HOST_MAX];
	/*
	 * The listener's look-up outcomes (enum ha_name_state and enum
	 * ha_user_state; 0: not looked up), so that privd can repeat the
	 * access decision with the same facts.  KNOWN goes with a non-empty
	 * host, server_host or ident, anything else with an empty one.
	 */
	uint8_t  name_state;
	uint8_t  user_state;
	uint8_t  server_name_state;
	uint8_t  pad[5];        /* zero; keeps the size a multiple of 8 */
};

struct ipc_report {
	struct ipc_hdr hdr;
	uint32_t svc_id;
	uint32_t token;
	int32_t  pid;
	int32_t  status;        /* IPC_EXITED: wait status */
	int32_t  err;           /* IPC_SPAWN_FAILED: errno */
	uint32_t reason;        /* IPC_SPAWN_FAILED: enum ipc_fail_reason */
	uint32_t peerlen;       /* 0 for wait services */
	struct sockaddr_storage peer;   /* from getpeername in privd */
};

/* Largest message either side can receive. */
#define IPC_MSG_MAX        (sizeof(struct ipc_spawn) > sizeof(struct ipc_report) ? \
                            sizeof(struct ipc_spawn) : sizeof(struct ipc_report))
#define IPC_FDS_MAX        4       /* more than any type allows: extras are refused */

/* Size of a message of this type, 0 if the type is unknown. */
size_t ipc_msg_size(unsigned type);
/* Number of descriptors a message of this type carries. */
int    ipc_msg_fds(unsigned type);
void   ipc_hdr_init(struct ipc_hdr *h, unsigned type, uint32_t gen);

/*
 * Send one message with at most one descriptor (fd < 0: none).  Returns 0,
 * or -1 with errno (EAGAIN when the socket is full).
 */
int    ipc_send(int sock, const void *msg, size_t len, int fd);
/*
 * Send n messages of len bytes each, laid out one after the other at msgs,
 * with no descriptor, in one call (sendmmsg): as many as the socket takes,
 * in order, at most IPC_SEND_BATCH.  Returns how many were sent, or -1
 * with errno when none was.
 */
#define IPC_SEND_BATCH 64
ssize_t ipc_send_many(int sock, const void *msgs, size_t len, size_t n);

struct ipc_msg {
	union {
		struct ipc_hdr    hdr;
		struct ipc_spawn  spawn;
		struct ipc_report report;
		unsigned char     raw[IPC_MSG_MAX + 1];
	} u;
	size_t len;             /* bytes received */
	int    fds[IPC_FDS_MAX];
	int    nfds;
	int    truncated;       /* data or control data was cut */
};

/*
 * Receive one packet; every passed descriptor is close-on-exec and counted
 * in m->nfds (the caller closes them).  Returns 1 with a message, 0 on EOF,
 * -1 with errno (EAGAIN when nothing is queued).
 */
int    ipc_recv(int sock, struct ipc_msg *m);
/*
 * Receive up to n (at most IPC_RECV_BATCH) queued packets in one call,
 * each as ipc_recv would.  Returns how many messages were received (>= 1),
 * 0 on EOF (when it is the first packet; after others it is returned by
 * the next call), -1 with errno (EAGAIN when nothing is queued).
 */
#define IPC_RECV_BATCH 32
int    ipc_recv_many(int sock, struct ipc_msg *m, int n);
void   ipc_msg_close_fds(struct ipc_msg *m);

/*
 * Check a received message's framing: version, known type, exact size,
 * descriptor count, no truncation, and that a spawn request's strings are
 * NUL-terminated and its padding zero (a wait request's server name and
 * its state too).  (The look-up states are checked by privd, which knows
 * their values.)  Returns NULL or a short reason.
 */
const char *ipc_msg_check(const struct ipc_msg *m, int from_listener);

#endif
