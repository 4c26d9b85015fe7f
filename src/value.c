/* stub: value module, to be written */
#include "common.h"
typedef int fd_value_placeholder;
