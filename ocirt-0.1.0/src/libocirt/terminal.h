/* ocirt: pseudo-terminals and the console socket.  */
#ifndef OCIRT_TERMINAL_H
#define OCIRT_TERMINAL_H

#include <stdbool.h>
#include "error.h"
#include "spec.h"

/* In the init, after pivot (the container's /dev/pts is mounted): open
   /dev/ptmx (checked to be a devpts ptmx), unlock, get the peer with
   TIOCGPTPEER, bind the peer onto /dev/console (created with
   O_CREAT|O_NOFOLLOW, mounted by fd), apply consoleSize.  Returns 0 with
   *master and *peer set.  */
int ocirt_terminal_create_in_container (const oci_console_size *size,
                                        int *master, int *peer,
                                        ocirt_error_t *err);

/* Make fd the controlling terminal and stdio of the calling process
   (setsid, TIOCSCTTY, dup2 to 0-2).  */
int ocirt_terminal_make_stdio (int peer, ocirt_error_t *err);

/* Connect to the console socket at path and send master with SCM_RIGHTS,
   exactly as runc does (the fd with the pty name as payload).  */
int ocirt_console_socket_send (const char *path, int master,
                               ocirt_error_t *err);

/* The same message on an already connected AF_UNIX socket (e.g. the
   init's sync socket, for foreground run/exec with a terminal), and its
   receiving side: returns the received fd (O_CLOEXEC) or -1.  */
int ocirt_terminal_send_fd (int sock, int fd, ocirt_error_t *err);
int ocirt_terminal_recv_fd (int sock, ocirt_error_t *err);

/* Foreground run/exec with a terminal: put the caller's terminal (fd) in
   raw mode, saving the old settings in *saved; restore them.  */
struct termios;
int ocirt_tty_set_raw (int fd, struct termios *saved, ocirt_error_t *err);
void ocirt_tty_restore (int fd, const struct termios *saved);

/* Copy the size of the caller's terminal (from) to the pty master (to).  */
void ocirt_tty_copy_size (int from, int to);

#endif
