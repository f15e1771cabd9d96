/*
 * probe.c: a test service that reports what it was given: its
 * /proc/self/status confinement lines, its open descriptors, its
 * environment, session, working and root directories, securebits,
 * signal state and socket addresses.  Integration tests run it under hinetd and read the
 * report over the connection.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/syscall.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static const char *const status_keys[] = {
	"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:",
	"CapAmb:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:", "SigBlk:", "SigIgn:", "Umask:",
};

int
main(void)
{
	char line[512], path[PATH_MAX], target[PATH_MAX];
	FILE *fp;
	DIR *dp;
	struct dirent *de;
	ssize_t n;

	if ((fp = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			for (size_t i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++)
				if (strncmp(line, status_keys[i], strlen(status_keys[i])) == 0)
					printf("status %s", line);
		fclose(fp);
	}
	if ((dp = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(dp))
				continue;
			snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			printf("fd %s %s\n", de->d_name, target);
		}
		closedir(dp);
	}
	for (char **e = environ; *e != NULL; e++)
		printf("env %s\n", *e);
	printf("ids pid=%ld sid=%ld pgid=%ld\n", (long)getpid(), (long)getsid(0),
	    (long)getpgid(0));
	if (getcwd(path, sizeof(path)) != NULL)
		printf("cwd %s\n", path);
	n = readlink("/proc/self/root", target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	printf("root %s\n", target);
	printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
	/* The scheduling policy, as the kernel shows it: "policy : N". */
	if ((fp = fopen("/proc/self/sched", "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "policy", 6) == 0 && strchr(line, ':'))
				printf("sched %d\n", atoi(strchr(line, ':') + 1));
		fclose(fp);
	}
	printf("securebits 0x%x\n", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	if ((fp = fopen("/proc/self/limits", "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "Max open files", 14) == 0 ||
			    strncmp(line, "Max cpu time", 12) == 0)
				printf("limit %s", line);
		fclose(fp);
	}
	/* A call the sandbox tests deny: report how it failed. */
	errno = 0;
	long r = syscall(SYS_getppid);
	printf("getppid %ld %s\n", r, r == -1 ? strerrorname_np(errno) : "ok");
	printf("end\n");
	fflush(stdout);
	/* Let the test read /proc/PID/status of a live child too. */
	if (getenv("PROBE_LINGER") != NULL) {
		char buf[1];
		while (read(0, buf, 1) > 0)
			;
	}
	return 0;
}
