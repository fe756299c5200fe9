import { VrrpError } from '../../lib/errors';
import { fileContribution, FileTracker, parseTrackFileContent, trackFileInitAction } from '../../lib/track/file';

describe('parseTrackFileContent (strtol base 0 on the first 127 bytes, as keepalived reads)', () => {
  test.each<[string, number | null]>([
    ['5\n', 5],
    ['  -12\n', -12],
    ['+7', 7],
    [' 7xyz', 7],
    ['0x10', 16],
    ['-0X1f', -31],
    ['010', 8],
    ['08', 0],
    ['0x', 0],
    ['0', 0],
    ['-0', 0],
    ['\t\n 42', 42],
    ['abc', null],
    ['', null],
    ['- 5', null],
    [`${' '.repeat(127)}5`, null],
  ])('%j -> %p', (text, expected) => {
    expect(parseTrackFileContent(text)).toBe(expected);
  });
});

describe('track_file weight (keepalived.conf(5) "Track files"; values checked on keepalived 2.2.7)', () => {
  test('default weight 1: the value is added to the priority', () => {
    const t = new FileTracker({ name: 'tf' });
    expect(t.weight).toBe(1);
    t.update(5);
    expect(t.contribution()).toMatchObject({ delta: 5, fault: false });
  });

  test('value × weight: 5 with weight 2 adds 10; reverse subtracts 10', () => {
    expect(fileContribution(5, 2, false).delta).toBe(10);
    expect(fileContribution(5, 2, true).delta).toBe(-10);
  });

  test('negative values reduce the priority: -126 with weight 2 subtracts 252', () => {
    expect(fileContribution(-126, 2, false)).toMatchObject({ delta: -252, fault: false });
  });

  test('value × weight of -254 or less means FAULT: -127 with weight 2', () => {
    expect(fileContribution(-127, 2, false)).toMatchObject({ fault: true, delta: 0 });
    expect(fileContribution(127, 2, true).fault).toBe(true);
  });

  test('values are clamped to -254..254 and the adjustment to 253', () => {
    expect(fileContribution(300, 2, false)).toMatchObject({ delta: 253, fault: false });
    expect(fileContribution(-300, 1, false).fault).toBe(true);
    const t = new FileTracker({ name: 'tf' });
    t.update(1e9);
    expect(t.value()).toBe(254);
  });

  test('weight 0: a non-zero value means FAULT, 0 is OK', () => {
    expect(fileContribution(3, 0, false).fault).toBe(true);
    expect(fileContribution(-1, 0, false).fault).toBe(true);
    expect(fileContribution(0, 0, false)).toMatchObject({ fault: false, delta: 0 });
  });

  test('weight 0 reverse: a zero value means FAULT', () => {
    expect(fileContribution(0, 0, true).fault).toBe(true);
    expect(fileContribution(3, 0, true).fault).toBe(false);
  });

  test('missing, unreadable or non-numeric file counts as 0', () => {
    expect(fileContribution(null, 2, false)).toMatchObject({ delta: 0, fault: false });
    expect(fileContribution(null, 0, false).fault).toBe(false);
    const t = new FileTracker({ name: 'tf', weight: 0 });
    t.updateText('abc');
    expect(t.value()).toBeNull();
    expect(t.contribution().fault).toBe(false);
  });

  test('not read yet: nothing applied; weight 0 keeps the instance pending', () => {
    expect(new FileTracker({ name: 'tf', weight: 0 }).contribution()).toMatchObject({ pending: true, fault: false });
    expect(new FileTracker({ name: 'tf' }).contribution()).toMatchObject({ pending: false, delta: 0 });
  });

  test('update reports a change of the effective value; missing and 0 are the same', () => {
    const t = new FileTracker({ name: 'tf' });
    expect(t.hasValue()).toBe(false);
    expect(t.update(null)).toBe(true);
    expect(t.update(0)).toBe(false);
    expect(t.updateText('4\n')).toBe(true);
    expect(t.updateText('4')).toBe(false);
    expect(t.updateText(null)).toBe(true);
  });

  test('per-instance weight view shares the value; its weight is limited to -254..254', () => {
    const t = new FileTracker({ name: 'tf', weight: 1 });
    const view = t.forInstance({ weight: -3 });
    t.update(4);
    expect(view.contribution().delta).toBe(-12);
    expect(() => t.forInstance({ weight: 255 })).toThrow(VrrpError);
    expect(() => new FileTracker({ name: 'tf', weight: 2 ** 31 })).toThrow(VrrpError);
  });
});

describe('init_file [VALUE] [overwrite]', () => {
  test('no init_file: nothing to do', () => {
    expect(trackFileInitAction(undefined, 'missing', false)).toEqual({ action: 'none' });
  });

  test('init_file writes VALUE (default 0) when the file is missing, even on reload', () => {
    expect(trackFileInitAction({}, 'missing', false)).toEqual({ action: 'write', content: '0\n' });
    expect(trackFileInitAction({ value: -5 }, 'missing', true)).toEqual({ action: 'write', content: '-5\n' });
  });

  test('without overwrite an existing file is left alone', () => {
    expect(trackFileInitAction({ value: 3 }, 'regular', false)).toEqual({ action: 'none' });
  });

  test('overwrite replaces an existing file at startup but never on reload', () => {
    expect(trackFileInitAction({ value: 3, overwrite: true }, 'regular', false)).toEqual({ action: 'write', content: '3\n' });
    expect(trackFileInitAction({ value: 3, overwrite: true }, 'regular', true)).toEqual({ action: 'none' });
  });

  test('overwrite refuses a path that is not a regular file', () => {
    expect(trackFileInitAction({ overwrite: true }, 'other', false).action).toBe('refuse');
    expect(trackFileInitAction({}, 'other', false).action).toBe('none');
  });
});
