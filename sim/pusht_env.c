/* placeholder until the simulator lands */
#include "flowchunk/pusht.h"

