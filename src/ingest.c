/* stub: ingest module, to be written */
#include "common.h"
typedef int fd_ingest_placeholder;
