/*
 * jstore run's client (ClientLibrary): its connection to its store's service (<root>/jstore.sock):
 * the JDK's own unix-domain SocketChannel costs a fresh JVM 14-18 ms before its first byte, about
 * half of it sun.nio.ch.UnixDomainSockets' initialiser seeding a SecureRandom (every security
 * provider), the rest NIO's start; a client that sends a request and waits for one frame needs
 * none of it. Failures throw io.jstore.cli.UnixSocketException with errno's name and text.
 */
#define _GNU_SOURCE
#include <jni.h>

#include <errno.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOTDIR: return "ENOTDIR";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EPROTOTYPE: return "EPROTOTYPE";
	default: return NULL;
	}
}

static void throw_errno(JNIEnv *env, int e, const char *what)
{
	char text[256], msg[512], unknown[16];
	const char *name = errno_name(e);
	if (name == NULL) {
		snprintf(unknown, sizeof unknown, "errno %d", e);
		name = unknown;
	}
	snprintf(msg, sizeof msg, "%s: %s (%s)", what, strerror_r(e, text, sizeof text), name);
	jclass c = (*env)->FindClass(env, "io/jstore/cli/UnixSocketException");
	if (c == NULL)
		return; /* NoClassDefFoundError is pending */
	jmethodID init = (*env)->GetMethodID(env, c, "<init>", "(Ljava/lang/String;Ljava/lang/String;)V");
	if (init == NULL)
		return;
	jstring jmsg = (*env)->NewStringUTF(env, msg);
	jstring jname = (*env)->NewStringUTF(env, name);
	if (jmsg == NULL || jname == NULL)
		return;
	jobject ex = (*env)->NewObject(env, c, init, jmsg, jname);
	if (ex != NULL)
		(*env)->Throw(env, ex);
}

JNIEXPORT jint JNICALL Java_io_jstore_cli_ClientLibrary_connect0(JNIEnv *env, jclass cls, jbyteArray path)
{
	(void)cls;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	jsize len = (*env)->GetArrayLength(env, path);
	/* the name needs its NUL inside sun_path: longer is the kernel's ENAMETOOLONG, said before the call */
	if ((size_t)len >= sizeof addr.sun_path) {
		throw_errno(env, ENAMETOOLONG, "connect");
		return -1;
	}
	(*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *)addr.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		throw_errno(env, errno, "socket");
		return -1;
	}
	int r;
	do
		r = connect(fd, (struct sockaddr *)&addr, sizeof addr);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int e = errno;
		close(fd);
		char what[sizeof addr.sun_path + 16];
		snprintf(what, sizeof what, "connect %s", addr.sun_path);
		throw_errno(env, e, what);
		return -1;
	}
	return fd;
}

/* Writes all of b[off, off+len): a frame goes whole or the connection is broken. */
JNIEXPORT void JNICALL Java_io_jstore_cli_ClientLibrary_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray b, jint off, jint len)
{
	(void)cls;
	jbyte stack[8192];
	jbyte *buf = len <= (jint)sizeof stack ? stack : malloc((size_t)len);
	if (buf == NULL) {
		throw_errno(env, ENOMEM, "write");
		return;
	}
	(*env)->GetByteArrayRegion(env, b, off, len, buf);
	jint done = 0;
	while (done < len) {
		/* MSG_NOSIGNAL: a service gone is EPIPE here, not a SIGPIPE for the whole JVM */
		ssize_t n = send(fd, buf + done, (size_t)(len - done), MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			throw_errno(env, errno, "write");
			break;
		}
		done += (jint)n;
	}
	if (buf != stack)
		free(buf);
}

/* Reads at most len bytes into b[off...]: how many, -1 at the end of the stream. */
JNIEXPORT jint JNICALL Java_io_jstore_cli_ClientLibrary_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray b, jint off, jint len)
{
	(void)cls;
	jbyte buf[8192];
	if (len > (jint)sizeof buf)
		len = (jint)sizeof buf;
	ssize_t n;
	do
		n = read(fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		throw_errno(env, errno, "read");
		return 0;
	}
	if (n == 0)
		return len == 0 ? 0 : -1;
	(*env)->SetByteArrayRegion(env, b, off, (jsize)n, buf);
	return (jint)n;
}

JNIEXPORT void JNICALL Java_io_jstore_cli_ClientLibrary_close0(JNIEnv *env, jclass cls, jint fd)
{
	(void)env;
	(void)cls;
	/* Linux frees the descriptor even when close reports EINTR or EIO: nothing to retry */
	close(fd);
}

/*
 * Replaces this JVM with a new start of the same java binary (argv as given, raw bytes), keeping the
 * pid, the process group and stdio: a run the service left to a client started without the jar's
 * manifest (whose Add-Opens LMDB needs) starts again with it. Returns only by throwing.
 */
JNIEXPORT void JNICALL Java_io_jstore_cli_ClientLibrary_exec0(JNIEnv *env, jclass cls, jobjectArray args)
{
	(void)cls;
	jsize n = (*env)->GetArrayLength(env, args);
	char **argv = calloc((size_t)n + 1, sizeof *argv);
	if (argv == NULL) {
		throw_errno(env, ENOMEM, "exec");
		return;
	}
	for (jsize i = 0; i < n; i++) {
		jbyteArray a = (*env)->GetObjectArrayElement(env, args, i);
		jsize len = (*env)->GetArrayLength(env, a);
		argv[i] = calloc((size_t)len + 1, 1);
		if (argv[i] == NULL) {
			throw_errno(env, ENOMEM, "exec");
			goto out;
		}
		(*env)->GetByteArrayRegion(env, a, 0, len, (jbyte *)argv[i]);
		(*env)->DeleteLocalRef(env, a);
	}
	/* the JVM's own descriptors (jars, the class-data archive) are not the new one's */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	/* execve keeps the calling thread's mask, and the JVM's threads block signals the new one must get */
	sigset_t none;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	execv("/proc/self/exe", argv);
	throw_errno(env, errno, "exec /proc/self/exe");
out:
	for (jsize i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
}
