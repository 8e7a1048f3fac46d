/* crashcaptest-stop-thread <tid>: stops that one thread of another process (ptrace: the other threads
 * run on), prints "stopped", and lets it go again when its standard input ends. The tests use it to
 * make crashcap's resolver thread slow for as long as they like, as a JVM that cannot answer makes it. */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: crashcaptest-stop-thread <tid>\n");
        return 2;
    }
    pid_t tid = (pid_t)atoi(argv[1]);
    int status;
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0 || ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0 ||
        waitpid(tid, &status, __WALL) != tid) {
        perror("crashcaptest-stop-thread");
        return 1;
    }
    printf("stopped\n");
    fflush(stdout);
    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0) {
    }
    if (ptrace(PTRACE_DETACH, tid, 0, 0) != 0) {
        perror("crashcaptest-stop-thread");
        return 1;
    }
    return 0;
}
