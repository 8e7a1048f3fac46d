// libcrashcapcpptest.so: a JNI library in C++ that dies the way C++ code dies, for the integration tests
// of demangled names and of the abort message of an uncaught exception. Built like libcrashcaptest.so
// (optimised, with debug info, without frame pointers) and with the old std::string ABI, so its names
// read as in most C++ code bases: app::Worker::step(std::string const&).
#include <jni.h>

#include <stdexcept>
#include <string>

namespace app {

struct Worker {
    void step(const std::string &task);
};

// Nothing catches this: _Unwind_RaiseException finds no handler before the JVM's frames, so __cxa_throw
// calls std::terminate, whose handler reports the exception and calls abort().
__attribute__((noinline)) void Worker::step(const std::string &task) {
    throw std::runtime_error(task);
}

}  // namespace app

extern "C" JNIEXPORT void JNICALL
Java_dev_crashcap_testapp_CppThrower_throwUncaught(JNIEnv *env, jclass, jstring message) {
    const char *chars = env->GetStringUTFChars(message, nullptr);
    std::string task(chars == nullptr ? "" : chars);
    if (chars != nullptr) env->ReleaseStringUTFChars(message, chars);
    app::Worker worker;
    worker.step(task);
}
