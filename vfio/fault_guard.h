/*
 * A SIGBUS while the daemon touches memory that others can change under it
 * (BAR mappings the kernel takes away during a reset; buffer memfds that
 * clients hold) returns to the access instead of killing the daemon.
 *
 *	sigjmp_buf jmp;
 *	if (sigsetjmp(jmp, 0)) { vfio_fault_guard_disarm(); return -EIO; }
 *	vfio_fault_guard_arm(&jmp);
 *	... the accesses ...
 *	vfio_fault_guard_disarm();
 *
 * One guard per thread; a SIGBUS outside one kills the process as usual.
 */
#pragma once

#include <setjmp.h>
#include <stddef.h>

void vfio_fault_guard_arm(sigjmp_buf *jmp);
void vfio_fault_guard_disarm(void);

/* memcpy that gives -EIO instead of a SIGBUS; 0 when it copied everything. */
int vfio_guarded_copy(void *dst, const void *src, size_t len);
