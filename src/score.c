/* stub: score module, to be written */
#include "common.h"
typedef int fd_score_placeholder;
