/* stub: grid module, to be written */
#include "common.h"
typedef int fd_grid_placeholder;
