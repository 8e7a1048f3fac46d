/* Finds the C++ runtime's exception functions for handler/cxx_exception.c, outside any signal handler. */
#ifndef CRASHCAP_CXX_RUNTIME_H
#define CRASHCAP_CXX_RUNTIME_H

/* Looks for libstdc++ among the loaded libraries; once found, its functions are published for the
 * handler and later calls do nothing. Called at arming and after every library load the agent sees. */
void cxx_runtime_resolve(void);

#endif
