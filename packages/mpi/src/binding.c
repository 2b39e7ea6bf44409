/*
 * tensorgrad-mpi: MPI collectives for Node.js through Node-API.
 *
 * One thread of this add-on initialises MPI and runs the queued operations in the order JavaScript
 * submitted them, so the ranks issue their collectives in program order. An asynchronous call
 * returns a Promise at once and resolves on the JavaScript thread when the MPI thread is done, so
 * communication overlaps the caller's compute. A synchronous call runs directly on the calling
 * thread when nothing is queued (MPI_THREAD_SERIALIZED: one thread at a time), else after the queue.
 * Buffers are typed arrays (also views of a WebAssembly memory); MPI reads and writes them in place.
 */
#include <mpi.h>
#include <node_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FENCE does nothing: a synchronous one waits for every operation queued before it. */
enum Kind { ALLREDUCE, BROADCAST, ALLGATHER, REDUCE_SCATTER, BARRIER, SEND, RECV, NEW_GROUP, FENCE, FINALIZE };
enum Reduce { SUM, MAX, MIN, PROD };

#define MAX_COMMS 256

typedef struct Job {
  enum Kind kind;
  int comm;
  void *send, *recv;
  int count; /* elements of send (recv for in-place reduce and broadcast) */
  MPI_Datatype type;
  MPI_Op op;
  int peer, tag;
  int done, error, result;
  char message[MPI_MAX_ERROR_STRING + 64];
  napi_ref refs[2];
  napi_deferred deferred; /* null for a synchronous call */
  struct Job *next;
} Job;

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER, finished = PTHREAD_COND_INITIALIZER;
static Job *head = NULL, *tail = NULL;
static int started = 0, stopped = 0, init_error = 0, rank = 0, size = 1, provided = 0;
static char init_message[MPI_MAX_ERROR_STRING + 64];
static char library[MPI_MAX_LIBRARY_VERSION_STRING];
static MPI_Comm comms[MAX_COMMS];
static int comm_count = 0;
static napi_threadsafe_function completions = NULL;
static int pending_async = 0;
/* The MPI thread is running a job; a synchronous call may run directly only when it is not, nothing is queued, and MPI allows calls from any one thread at a time (SERIALIZED). */
static int busy = 0;
/* The first failure of an asynchronous operation not yet reported: the next synchronous call throws
   it too, so a caller that waits with a fence (DDP) cannot miss it. */
static char async_failure[MPI_MAX_ERROR_STRING + 64] = "";

static void describe(Job *job, int code, const char *what) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  snprintf(job->message, sizeof job->message, "%s: %s", what, text);
  job->error = 1;
}

static void execute(Job *job) {
  MPI_Comm comm = job->comm >= 0 && job->comm < comm_count ? comms[job->comm] : MPI_COMM_NULL;
  if (job->kind == FENCE || job->kind == FINALIZE) {
    if (job->kind == FINALIZE) MPI_Finalize();
    return;
  }
  if (comm == MPI_COMM_NULL) {
    snprintf(job->message, sizeof job->message, job->comm >= 0 && job->comm < comm_count ? "this rank is not a member of process group %d" : "no such process group (%d)", job->comm);
    job->error = 1;
    return;
  }
  int code = MPI_SUCCESS;
  MPI_Status status;
  const char *what = "";
  void *send = job->send ? job->send : MPI_IN_PLACE;
  int n = 1;
  MPI_Comm_size(comm, &n);
  switch (job->kind) {
    case ALLREDUCE:
      what = "MPI_Allreduce";
      code = MPI_Allreduce(send, job->recv, job->count, job->type, job->op, comm);
      break;
    case BROADCAST:
      what = "MPI_Bcast";
      code = MPI_Bcast(job->recv, job->count, job->type, job->peer, comm);
      break;
    case ALLGATHER:
      what = "MPI_Allgather";
      code = MPI_Allgather(job->send, job->count, job->type, job->recv, job->count, job->type, comm);
      break;
    case REDUCE_SCATTER:
      what = "MPI_Reduce_scatter_block";
      code = MPI_Reduce_scatter_block(job->send, job->recv, job->count / n, job->type, job->op, comm);
      break;
    case BARRIER:
      what = "MPI_Barrier";
      code = MPI_Barrier(comm);
      break;
    case SEND:
      what = "MPI_Send";
      code = MPI_Send(job->send, job->count, job->type, job->peer, job->tag, comm);
      break;
    case RECV:
      what = "MPI_Recv";
      code = MPI_Recv(job->recv, job->count, job->type, job->peer, job->tag, comm, &status);
      break;
    case NEW_GROUP: {
      /* send: int32 ranks of comm forming the new group; every rank of comm takes part (MPI_Comm_create). */
      MPI_Group parent, group;
      MPI_Comm created;
      what = "MPI_Comm_create";
      MPI_Comm_group(comm, &parent);
      MPI_Group_incl(parent, job->count, (int *)job->send, &group);
      code = MPI_Comm_create(comm, group, &created);
      MPI_Group_free(&group);
      MPI_Group_free(&parent);
      if (code == MPI_SUCCESS) {
        if (comm_count >= MAX_COMMS) {
          snprintf(job->message, sizeof job->message, "too many process groups (%d)", MAX_COMMS);
          job->error = 1;
          return;
        }
        if (created != MPI_COMM_NULL) MPI_Comm_set_errhandler(created, MPI_ERRORS_RETURN);
        comms[comm_count] = created;
        job->result = comm_count++;
      }
      break;
    }
    default:
      break;
  }
  if (code != MPI_SUCCESS) describe(job, code, what);
  else if (job->kind == RECV) MPI_Get_count(&status, job->type, &job->result);
}

static void *mpi_thread(void *arg) {
  (void)arg;
  int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
  pthread_mutex_lock(&lock);
  if (code != MPI_SUCCESS) {
    init_error = 1;
    snprintf(init_message, sizeof init_message, "MPI_Init_thread failed (code %d)", code);
  } else {
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int len = 0;
    MPI_Get_library_version(library, &len);
    comms[0] = MPI_COMM_WORLD;
    comm_count = 1;
  }
  started = 1;
  pthread_cond_broadcast(&finished);
  pthread_mutex_unlock(&lock);
  if (init_error) return NULL;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (!head) pthread_cond_wait(&queued, &lock);
    Job *job = head;
    head = job->next;
    if (!head) tail = NULL;
    busy = 1;
    pthread_mutex_unlock(&lock);
    execute(job);
    enum Kind kind = job->kind;
    napi_deferred deferred = job->deferred;
    pthread_mutex_lock(&lock);
    if (deferred && job->error && !async_failure[0]) snprintf(async_failure, sizeof async_failure, "%s", job->message);
    job->done = 1;
    busy = 0;
    pthread_cond_broadcast(&finished);
    pthread_mutex_unlock(&lock);
    if (deferred) napi_call_threadsafe_function(completions, job, napi_tsfn_blocking);
    if (kind == FINALIZE) return NULL;
  }
}

static void enqueue(Job *job) {
  pthread_mutex_lock(&lock);
  if (tail) tail->next = job;
  else head = job;
  tail = job;
  pthread_cond_signal(&queued);
  pthread_mutex_unlock(&lock);
}

static void wait_for(Job *job) {
  pthread_mutex_lock(&lock);
  while (!job->done) pthread_cond_wait(&finished, &lock);
  pthread_mutex_unlock(&lock);
}

#define CHECK(call)                                                      \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, NULL, "tensorgrad-mpi: Node-API call failed"); \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

static void release(napi_env env, Job *job) {
  for (int i = 0; i < 2; i++)
    if (job->refs[i]) napi_delete_reference(env, job->refs[i]);
}

static napi_value error_value(napi_env env, const char *message) {
  napi_value text, err;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &err);
  return err;
}

/* On the JavaScript thread: settle an asynchronous job's promise. */
static void complete(napi_env env, napi_value fn, void *context, void *data) {
  (void)fn;
  (void)context;
  Job *job = data;
  if (env) {
    napi_value value;
    if (job->error) napi_reject_deferred(env, job->deferred, error_value(env, job->message));
    else {
      napi_create_int32(env, job->result, &value);
      napi_resolve_deferred(env, job->deferred, value);
    }
    release(env, job);
    if (--pending_async == 0) napi_unref_threadsafe_function(env, completions);
  }
  free(job);
}

static void shutdown_mpi(void *arg) {
  (void)arg;
  if (!started || init_error || stopped) return;
  stopped = 1;
  Job *job = calloc(1, sizeof(Job));
  job->kind = FINALIZE;
  enqueue(job);
  pthread_join(thread, NULL);
  free(job);
}

/* init() → {rank, size, threadLevel, library}; starts the MPI thread once. */
static napi_value init(napi_env env, napi_callback_info info) {
  (void)info;
  if (!started) {
    napi_value name;
    CHECK(napi_create_string_utf8(env, "tensorgrad-mpi completions", NAPI_AUTO_LENGTH, &name));
    CHECK(napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, complete, &completions));
    CHECK(napi_unref_threadsafe_function(env, completions));
    pthread_create(&thread, NULL, mpi_thread, NULL);
    pthread_mutex_lock(&lock);
    while (!started) pthread_cond_wait(&finished, &lock);
    pthread_mutex_unlock(&lock);
    napi_add_env_cleanup_hook(env, shutdown_mpi, NULL);
  }
  if (init_error) {
    napi_throw_error(env, NULL, init_message);
    return NULL;
  }
  napi_value out, v;
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_int32(env, rank, &v));
  CHECK(napi_set_named_property(env, out, "rank", v));
  CHECK(napi_create_int32(env, size, &v));
  CHECK(napi_set_named_property(env, out, "size", v));
  CHECK(napi_create_int32(env, provided, &v));
  CHECK(napi_set_named_property(env, out, "threadLevel", v));
  CHECK(napi_create_string_utf8(env, library, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, out, "library", v));
  return out;
}

static napi_value finalize(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  shutdown_mpi(NULL);
  return NULL;
}

/* A typed array's data, element count and MPI type; null (and count 0) for null/undefined. */
static int buffer(napi_env env, napi_value value, void **data, int *count, MPI_Datatype *type) {
  napi_valuetype vt;
  napi_typeof(env, value, &vt);
  *data = NULL;
  *count = 0;
  if (vt == napi_null || vt == napi_undefined) return 1;
  bool is;
  napi_is_typedarray(env, value, &is);
  if (!is) return 0;
  napi_typedarray_type t;
  size_t length;
  napi_get_typedarray_info(env, value, &t, &length, data, NULL, NULL);
  switch (t) {
    case napi_float32_array: *type = MPI_FLOAT; break;
    case napi_float64_array: *type = MPI_DOUBLE; break;
    case napi_int32_array: *type = MPI_INT; break;
    case napi_uint32_array: *type = MPI_UNSIGNED; break;
    case napi_int8_array: *type = MPI_SIGNED_CHAR; break;
    case napi_uint8_array: *type = MPI_UNSIGNED_CHAR; break;
    default: return 0;
  }
  if (length > 0x7fffffff) return 0;
  *count = (int)length;
  return 1;
}

/*
 * run(async, kind, comm, send, recv, reduce, peer, tag): one operation, in submission order.
 * Synchronous: returns its integer result (received count, new group handle) or throws.
 * Asynchronous: returns a Promise of it; the typed arrays are kept alive until it settles.
 */
static napi_value run(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "tensorgrad-mpi: run expects 8 arguments");
    return NULL;
  }
  if (!started || stopped || init_error) {
    napi_throw_error(env, NULL, "tensorgrad-mpi: MPI is not initialised (or already finalised)");
    return NULL;
  }
  bool async;
  int kind, comm, reduce, peer, tag;
  CHECK(napi_get_value_bool(env, argv[0], &async));
  CHECK(napi_get_value_int32(env, argv[1], &kind));
  CHECK(napi_get_value_int32(env, argv[2], &comm));
  CHECK(napi_get_value_int32(env, argv[5], &reduce));
  CHECK(napi_get_value_int32(env, argv[6], &peer));
  CHECK(napi_get_value_int32(env, argv[7], &tag));
  Job *job = calloc(1, sizeof(Job));
  int send_count, recv_count;
  MPI_Datatype send_type = MPI_FLOAT, recv_type = MPI_FLOAT;
  if (!buffer(env, argv[3], &job->send, &send_count, &send_type) || !buffer(env, argv[4], &job->recv, &recv_count, &recv_type) || kind < ALLREDUCE || kind > FENCE) {
    free(job);
    napi_throw_type_error(env, NULL, "tensorgrad-mpi: buffers must be typed arrays of float32, float64, int32, uint32, int8 or uint8");
    return NULL;
  }
  job->kind = kind;
  job->comm = comm;
  job->type = job->recv ? recv_type : send_type;
  job->count = job->send ? send_count : recv_count;
  job->op = reduce == MAX ? MPI_MAX : reduce == MIN ? MPI_MIN : reduce == PROD ? MPI_PROD : MPI_SUM;
  job->peer = peer;
  job->tag = tag;
  if (!async) {
    pthread_mutex_lock(&lock);
    int direct = !head && !busy && provided >= MPI_THREAD_SERIALIZED;
    if (direct) busy = 1;
    pthread_mutex_unlock(&lock);
    if (direct) {
      execute(job);
      pthread_mutex_lock(&lock);
      busy = 0;
      pthread_mutex_unlock(&lock);
    } else {
      enqueue(job);
      wait_for(job);
    }
    char earlier[sizeof async_failure + 64] = "";
    pthread_mutex_lock(&lock);
    if (async_failure[0]) {
      snprintf(earlier, sizeof earlier, "an earlier asynchronous operation failed: %s", async_failure);
      async_failure[0] = 0;
    }
    pthread_mutex_unlock(&lock);
    napi_value out = NULL;
    if (job->error) napi_throw_error(env, NULL, job->message);
    else if (earlier[0]) napi_throw_error(env, NULL, earlier);
    else napi_create_int32(env, job->result, &out);
    free(job);
    return out;
  }
  if (job->send) napi_create_reference(env, argv[3], 1, &job->refs[0]);
  if (job->recv) napi_create_reference(env, argv[4], 1, &job->refs[1]);
  napi_value promise;
  CHECK(napi_create_promise(env, &job->deferred, &promise));
  if (pending_async++ == 0) napi_ref_threadsafe_function(env, completions);
  enqueue(job);
  return promise;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"init", NULL, init, NULL, NULL, NULL, napi_default, NULL},
    {"finalize", NULL, finalize, NULL, NULL, NULL, napi_default, NULL},
    {"run", NULL, run, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
