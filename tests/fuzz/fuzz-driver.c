/* fuzz-driver.c: a main() for the fuzz targets where libFuzzer is not
 * available (Debian's gcc). It runs every seed through
 * LLVMFuzzerTestOneInput, then mutated seeds until a time budget is
 * spent, and says how many inputs ran.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   fuzz-NAME [--seconds N] [--runs N] [--seed N] [--max-len N] CORPUS...
 *
 * CORPUS is a folder (each of its files is a seed) or a single file (to
 * replay one input, e.g. a crash). Mutations: bit flips, byte insertions
 * (random or copied from the input), deletions, overwrites, chunk
 * duplication, and splicing with another seed, one to five stacked per
 * input. They come from a GRand seeded with --seed (default 1), so the
 * n-th input of a run is the same on every run with that seed: a crash
 * is replayed by running as long (--runs) or by the input saved in
 * $FUZZ_CRASH_FILE (default ./fuzz-crash-input) when the target aborts
 * or crashes. There is no coverage feedback: this is a smoke test that
 * runs everywhere; the libFuzzer build is the real fuzzer.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));
void __sanitizer_set_death_callback (void (*callback) (void)) __attribute__ ((weak));

#define N_MUTATIONS 7

/* What the crash handler saves: set before each input runs. */
static const uint8_t *volatile current_data;
static volatile size_t current_size;
static const char *crash_file;

static void
write_all (int         fd,
           const void *data,
           size_t      size)
{
  const char *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, size);

      if (n <= 0 && errno != EINTR)
        return;
      if (n > 0)
        {
          p += n;
          size -= (size_t) n;
        }
    }
}

/* Async-signal-safe: open, write, close. */
static void
save_current_input (void)
{
  static const char message[] = "fuzz-driver: the input that failed is saved in ";
  const uint8_t *data = current_data;
  int fd;

  if (data == NULL)
    return;
  current_data = NULL;
  fd = open (crash_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return;
  write_all (fd, data, current_size);
  close (fd);
  write_all (STDERR_FILENO, message, sizeof message - 1);
  write_all (STDERR_FILENO, crash_file, strlen (crash_file));
  write_all (STDERR_FILENO, "\n", 1);
}

static void
on_fatal_signal (int signum)
{
  save_current_input ();
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
run_one (const uint8_t *data,
         size_t         size)
{
  /* An allocation of exactly @size bytes, so that a sanitizer sees any
   * read past the end. */
  uint8_t *copy = g_malloc (MAX (size, 1));

  if (size > 0)
    memcpy (copy, data, size);
  current_size = size;
  current_data = copy;
  LLVMFuzzerTestOneInput (size > 0 ? copy : (const uint8_t *) "", size);
  current_data = NULL;
  g_free (copy);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
add_seed (GPtrArray   *seeds,
          const char  *path,
          GError     **error)
{
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  g_ptr_array_add (seeds, g_bytes_new_take (contents, length));
  return TRUE;
}

/* The files of @path in name order, or @path itself. */
static gboolean
load_corpus (GPtrArray   *seeds,
             const char  *path,
             GError     **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return add_seed (seeds, path, error);

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_steal_pointer (&file));
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (!add_seed (seeds, names->pdata[i], error))
      return FALSE;
  return TRUE;
}

static guint
random_index (GRand *rand,
              guint  n)
{
  return n > 1 ? (guint) g_rand_int_range (rand, 0, (gint32) MIN (n, (guint) G_MAXINT32)) : 0;
}

/* @data must not point into @input. */
static void
insert_bytes (GByteArray   *input,
              guint         at,
              const guint8 *data,
              guint         n)
{
  guint len = input->len;

  g_byte_array_set_size (input, len + n);
  memmove (input->data + at + n, input->data + at, len - at);
  memcpy (input->data + at, data, n);
}

static void
mutate (GRand      *rand,
        GByteArray *input,
        GPtrArray  *seeds,
        guint       max_len)
{
  guint len = input->len;

  switch (g_rand_int_range (rand, 0, N_MUTATIONS))
    {
    case 0: /* flip a bit */
      if (len > 0)
        input->data[random_index (rand, len)] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
      break;

    case 1: /* insert a random byte */
      {
        guint8 byte = (guint8) g_rand_int_range (rand, 0, 256);

        insert_bytes (input, random_index (rand, len + 1), &byte, 1);
      }
      break;

    case 2: /* insert a byte found elsewhere in the input */
      if (len > 0)
        {
          guint8 byte = input->data[random_index (rand, len)];

          insert_bytes (input, random_index (rand, len + 1), &byte, 1);
        }
      break;

    case 3: /* delete up to 16 bytes */
      if (len > 0)
        {
          guint at = random_index (rand, len);
          guint n = 1 + random_index (rand, MIN (16, len - at));

          g_byte_array_remove_range (input, at, n);
        }
      break;

    case 4: /* overwrite a byte */
      if (len > 0)
        input->data[random_index (rand, len)] = (guint8) g_rand_int_range (rand, 0, 256);
      break;

    case 5: /* duplicate a chunk somewhere else */
      if (len > 0)
        {
          guint from = random_index (rand, len);
          guint n = 1 + random_index (rand, MIN (64, len - from));
          guint to = random_index (rand, len + 1);
          g_autofree guint8 *chunk = g_memdup2 (input->data + from, n);

          insert_bytes (input, to, chunk, n);
        }
      break;

    case 6: /* splice: this input's head, another seed's tail */
    default:
      {
        GBytes *other = seeds->pdata[random_index (rand, seeds->len)];
        gsize other_len;
        const guint8 *other_data = g_bytes_get_data (other, &other_len);
        guint cut = random_index (rand, len + 1);
        guint from = random_index (rand, (guint) MIN (other_len + 1, G_MAXUINT));

        g_byte_array_set_size (input, cut);
        if (other_len > from)
          g_byte_array_append (input, other_data + from, (guint) (other_len - from));
      }
      break;
    }

  if (input->len > max_len)
    g_byte_array_set_size (input, max_len);
}

int
main (int    argc,
      char **argv)
{
  double seconds = 5;
  gint64 runs = 0;
  gint64 seed = 1;
  gint64 max_len = 0;
  g_auto (GStrv) corpus = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Mutate for N seconds (default 5)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT64, &runs, "Stop after N mutated inputs", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the mutations (default 1)", "N" },
    { "max-len", 0, 0, G_OPTION_ARG_INT64, &max_len,
      "Longest mutated input (default: twice the longest seed, at least 4096)", "BYTES" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &corpus, NULL, "CORPUS..." },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("CORPUS... - fuzz a target");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GRand) rand = NULL;
  g_autoptr (GByteArray) input = g_byte_array_new ();
  g_autofree char *program = g_path_get_basename (argv[0]);
  gsize longest = 0;
  guint64 mutated = 0;
  gint64 start, deadline, elapsed;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s: %s\n", program, error->message);
      return 2;
    }
  if (corpus == NULL || corpus[0] == NULL || seconds < 0 || runs < 0 || max_len < 0)
    {
      g_printerr ("%s: expected a corpus folder or file (see --help)\n", program);
      return 2;
    }
  for (guint i = 0; corpus[i] != NULL; i++)
    if (!load_corpus (seeds, corpus[i], &error))
      {
        g_printerr ("%s: %s\n", program, error->message);
        return 2;
      }
  if (seeds->len == 0)
    {
      g_printerr ("%s: the corpus has no files\n", program);
      return 2;
    }

  crash_file = g_getenv ("FUZZ_CRASH_FILE");
  if (crash_file == NULL || *crash_file == '\0')
    crash_file = "fuzz-crash-input";
  signal (SIGABRT, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  signal (SIGBUS, on_fatal_signal);
  signal (SIGILL, on_fatal_signal);
  signal (SIGFPE, on_fatal_signal);
  if (__sanitizer_set_death_callback != NULL)
    __sanitizer_set_death_callback (save_current_input);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < seeds->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (seeds->pdata[i], &size);

      longest = MAX (longest, size);
      run_one (data, size);
    }
  if (max_len == 0)
    max_len = MAX (4096, 2 * (gint64) longest);
  max_len = MIN (max_len, (gint64) G_MAXINT32);

  rand = g_rand_new_with_seed ((guint32) seed);
  deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while ((runs == 0 || mutated < (guint64) runs) &&
         (runs > 0 || g_get_monotonic_time () < deadline))
    {
      GBytes *base = seeds->pdata[random_index (rand, seeds->len)];
      gsize size;
      const guint8 *data = g_bytes_get_data (base, &size);
      int n = g_rand_int_range (rand, 1, 6);

      g_byte_array_set_size (input, 0);
      g_byte_array_append (input, data, (guint) MIN (size, (gsize) max_len));
      for (int m = 0; m < n; m++)
        mutate (rand, input, seeds, (guint) max_len);
      run_one (input->data, input->len);
      mutated++;
    }

  elapsed = MAX (g_get_monotonic_time () - start, 1);
  g_print ("%s: %u seeds and %" G_GUINT64_FORMAT " mutated inputs in %.1f s "
           "(%.0f inputs/s), --seed %" G_GINT64_FORMAT "\n",
           program, seeds->len, mutated, elapsed / (double) G_USEC_PER_SEC,
           (seeds->len + mutated) / (elapsed / (double) G_USEC_PER_SEC), seed);
  return 0;
}
