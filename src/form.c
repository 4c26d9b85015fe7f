/* stub: form module, to be written */
#include "common.h"
typedef int fd_form_placeholder;
