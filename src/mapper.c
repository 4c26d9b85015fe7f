/* stub: mapper module, to be written */
#include "common.h"
typedef int fd_mapper_placeholder;
