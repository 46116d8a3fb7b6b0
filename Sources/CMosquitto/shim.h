// libmosquitto, opened with dlopen only when `mqtt:` is configured: Debian ships it as a shared
// library only, and neither a Pi without MQTT nor the static kernel-tier guest may need it. There
// is no `link` line on purpose. The header gives the real declarations; the table below holds
// pointers of exactly those types, so a signature can never drift from the library's.
#include <dlfcn.h>
#include <stddef.h>
#include <mosquitto.h>

#define CB_MOSQ_FN(name) __typeof__(mosquitto_##name) *name

struct cb_mosquitto_api {
    CB_MOSQ_FN(lib_init);
    CB_MOSQ_FN(lib_version);
    CB_MOSQ_FN(new);
    CB_MOSQ_FN(destroy);
    CB_MOSQ_FN(int_option);
    CB_MOSQ_FN(will_set);
    CB_MOSQ_FN(username_pw_set);
    CB_MOSQ_FN(tls_set);
    CB_MOSQ_FN(connect);
    CB_MOSQ_FN(reconnect);
    CB_MOSQ_FN(disconnect);
    CB_MOSQ_FN(publish);
    CB_MOSQ_FN(subscribe);
    CB_MOSQ_FN(socket);
    CB_MOSQ_FN(want_write);
    CB_MOSQ_FN(loop_read);
    CB_MOSQ_FN(loop_write);
    CB_MOSQ_FN(loop_misc);
    CB_MOSQ_FN(connect_callback_set);
    CB_MOSQ_FN(disconnect_callback_set);
    CB_MOSQ_FN(message_callback_set);
    CB_MOSQ_FN(publish_callback_set);
    CB_MOSQ_FN(strerror);
    CB_MOSQ_FN(connack_string);
};

// Opens `file` and fills `api`. NULL on success, else dlerror()'s text (valid until the next dl call).
static inline const char *cb_mosquitto_open(const char *file, struct cb_mosquitto_api *api) {
    void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return dlerror();
#define CB_MOSQ_SYM(name) \
    if (!(api->name = (__typeof__(api->name))dlsym(lib, "mosquitto_" #name))) return dlerror();
    CB_MOSQ_SYM(lib_init) CB_MOSQ_SYM(lib_version) CB_MOSQ_SYM(new) CB_MOSQ_SYM(destroy)
    CB_MOSQ_SYM(int_option) CB_MOSQ_SYM(will_set) CB_MOSQ_SYM(username_pw_set) CB_MOSQ_SYM(tls_set)
    CB_MOSQ_SYM(connect) CB_MOSQ_SYM(reconnect) CB_MOSQ_SYM(disconnect) CB_MOSQ_SYM(publish)
    CB_MOSQ_SYM(subscribe) CB_MOSQ_SYM(socket) CB_MOSQ_SYM(want_write) CB_MOSQ_SYM(loop_read)
    CB_MOSQ_SYM(loop_write) CB_MOSQ_SYM(loop_misc) CB_MOSQ_SYM(connect_callback_set)
    CB_MOSQ_SYM(disconnect_callback_set) CB_MOSQ_SYM(message_callback_set)
    CB_MOSQ_SYM(publish_callback_set) CB_MOSQ_SYM(strerror) CB_MOSQ_SYM(connack_string)
#undef CB_MOSQ_SYM
    return NULL;
}
