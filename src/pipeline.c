/* stub: pipeline module, to be written */
#include "common.h"
typedef int fd_pipeline_placeholder;
