/* ocirt: a foreground run or exec -- signals passed on, the terminal
   copied, the process reaped.  */
#ifndef OCIRT_SUPERVISE_H
#define OCIRT_SUPERVISE_H

#include <sys/types.h>

/* Block every signal that can be passed on and return a signalfd for
   them (-1 on error).  Children must reset their mask.  */
int ocirt_supervise_signals (void);

/* Until pid (our child) exits and master (or -1) runs dry: pass the
   signals read from sfd to pid (SIGWINCH resizes master instead), copy
   stdin to master and master to stdout.  Returns the exit status, 128+N
   for signal N.  */
int ocirt_supervise (pid_t pid, int master, int sfd);

#endif
