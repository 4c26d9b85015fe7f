/* stub: ocr module, to be written */
#include "common.h"
typedef int fd_ocr_placeholder;
