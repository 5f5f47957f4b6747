import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildCli, runCli } from './helpers/cli-process';

before(() => buildCli());

/** Runs the CLI to its end: exit code and stderr. */
async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const cli = runCli(args);
  const { code } = await cli.exited();
  return { code, stderr: cli.stderr() };
}

/** The `Options for …:` sections a usage error printed. */
const sections = (stderr: string) => stderr.match(/^Options for [\w-]+:$/gm) ?? [];

test('a mistyped option is named with the command and the option it most likely meant; exit 2', async () => {
  const cases: [string[], string][] = [
    // The tester's: parseArgs said "Unknown option '--prot'. To specify a positional argument starting with a '-',
    // place it at the end of the command after '--', as in '-- "--prot"".
    [['serve', '--prot', '1'], 'Unknown option --prot for serve. Did you mean --port?'],
    [['serve', '--quite'], 'Unknown option --quite for serve. Did you mean --quiet?'],
    [['serve', '--tsl'], 'Unknown option --tsl for serve. Did you mean --tls?'],
    [['serve', '--max-paylod', '2048'], 'Unknown option --max-paylod for serve. Did you mean --max-payload?'],
    [['serve', '--Port', '1'], 'Unknown option --Port for serve. Did you mean --port?'],
    // The start of one option; a long option typed with one dash (parseArgs read it as -p -o -r -t).
    [['serve', '--work', 'x.json'], 'Unknown option --work for serve. Did you mean --workspace?'],
    [['serve', '-port', '1'], 'Unknown option -port for serve. Did you mean --port?'],
    // The command is found wherever it stands; each is compared with its own options.
    [['--prot', '1', 'serve'], 'Unknown option --prot for serve. Did you mean --port?'],
    [['init', 'x.json', '--templat', 'blank'], 'Unknown option --templat for init. Did you mean --template?'],
    [['import-openapi', 'x.json', '--dryrun'], 'Unknown option --dryrun for import-openapi. Did you mean --dry-run?'],
    [['--prot', '1'], 'Unknown option --prot. Did you mean --port?'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  assert.deepEqual(
    results.map(({ code, stderr }) => [code, stderr.split('\n')[0]]),
    cases.map(([, message]) => [2, `agui-mock: ${message}`]),
  );
});

test('no suggestion unless exactly one option is close', async () => {
  const cases: [string[], string][] = [
    [['serve', '--zzz'], 'Unknown option --zzz for serve.'],
    // As close to --port as to --cert: which was meant would be a guess.
    [['serve', '--pert', '1'], 'Unknown option --pert for serve.'],
    // --port is serve's, not validate's.
    [['validate', 'x.json', '--prot', '1'], 'Unknown option --prot for validate.'],
    [['serve', '-x'], 'Unknown option -x for serve.'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  assert.deepEqual(
    results.map(({ code, stderr }) => [code, stderr.split('\n')[0]]),
    cases.map(([, message]) => [2, `agui-mock: ${message}`]),
  );
});

test('a usage error prints the usage of its command only (not the whole help), then how to see it all', async () => {
  const cases: [string[], string[]][] = [
    [['serve', '--prot', '1'], ['Options for serve:']],
    [['serve', '--port', 'abc'], ['Options for serve:']],
    [['init', 'x.json', '--template', 'nope'], ['Options for init:']],
    [['import-openapi'], ['Options for import-openapi:']],
    [['validate'], []],
    // No command: the commands, without the options of any.
    [['frobnicate'], []],
    [[], []],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  assert.deepEqual(
    results.map(({ code, stderr }) => [code, sections(stderr), stderr.trimEnd().split('\n').at(-1)]),
    cases.map(([, shown]) => [2, shown, 'All commands and options: agui-mock --help']),
  );
});

test('the usage after an error is a few lines for a command without options: the message stays in sight', async () => {
  const { code, stderr } = await run(['validate']);
  assert.deepEqual(
    [code, stderr],
    [
      2,
      [
        'agui-mock: validate needs a FILE: agui-mock validate mock.agui.json',
        '',
        'Usage:',
        '  agui-mock validate FILE       check a workspace file: exit 0 with a summary, or 1 with line/field and problem',
        '',
        'All commands and options: agui-mock --help',
        '',
      ].join('\n'),
    ],
  );
});

test('an option without its value, or a flag given one, is said in one line with how to write it; exit 2', async () => {
  const cases: [string[], string][] = [
    // parseArgs said it in three lines, printed as one with "\n" in it: "Option '--port' argument is ambiguous.\n…".
    [['serve', '--port', '--quiet'], '--port needs a value: --port N'],
    [['serve', '--host', '-h'], '--host needs a value: --host HOST'],
    [
      ['serve', '--token', '-starts-with-a-dash'],
      '--token needs a value: --token TOKEN; a value that starts with "-" is written --token=-starts-with-a-dash',
    ],
    [['serve', '--workspace'], '--workspace needs a value: --workspace FILE'],
    [['init', '--template'], '--template needs a value: --template NAME'],
    [['import-openapi', 'x.json', '--into'], '--into needs a value: --into FILE'],
    [['serve', '--tls=yes'], '--tls takes no value (got --tls=yes)'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  assert.deepEqual(
    results.map(({ code, stderr }) => [code, stderr.split('\n')[0]]),
    cases.map(([, message]) => [2, `agui-mock: ${message}`]),
  );
});

test('an unknown command names the command it most likely meant; help and version name their options', async () => {
  const cases: [string[], string][] = [
    [['sevre'], "unknown command 'sevre'. Did you mean agui-mock serve?"],
    [['valdate', 'x.json'], "unknown command 'valdate'. Did you mean agui-mock validate?"],
    [['help'], "unknown command 'help'. Did you mean agui-mock --help?"],
    [['version'], "unknown command 'version'. Did you mean agui-mock --version?"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  assert.deepEqual(
    results.map(({ code, stderr }) => [code, stderr.split('\n')[0]]),
    cases.map(([, message]) => [2, `agui-mock: ${message}`]),
  );
});
