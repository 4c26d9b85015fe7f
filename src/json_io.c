/* stub: json_io module, to be written */
#include "common.h"
typedef int fd_json_io_placeholder;
