/* ocirt: Intel RDT (cache and memory bandwidth allocation) via resctrl.  */
#ifndef OCIRT_INTELRDT_H
#define OCIRT_INTELRDT_H

#include <sys/types.h>
#include "error.h"
#include "spec.h"

/* Put pid in the CLOS of r (closID, or the container id), writing the
   schemata; with enableMonitoring also in a monitoring group named after
   the id (*mon_dir, malloc'd).  *made_dir is set to the malloc'd path of a CLOS
   directory this call created (to remove on delete), else NULL.  Errors name
   the cause, e.g. when resctrl is not mounted.  */
int ocirt_intelrdt_apply (const oci_intel_rdt *r, const char *id, pid_t pid,
                          char **made_dir, char **mon_dir, ocirt_error_t *err);

/* Remove what apply created: the monitoring group and the CLOS directory
   (when made_dir is set).  Missing directories are fine.  */
void ocirt_intelrdt_destroy (const char *made_dir, const char *mon_dir);

/* update --l3-cache-schema / --mem-bw-schema: write the lines (either may
   be NULL) to the schemata of the container's CLOS (r's closID, or the
   id).  */
int ocirt_intelrdt_update (const oci_intel_rdt *r, const char *id,
                           const char *l3, const char *mb, ocirt_error_t *err);

/* Where resctrl is mounted (malloc'd), or NULL.  */
char *ocirt_resctrl_mountpoint (void);

#endif
