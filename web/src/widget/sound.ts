// The new-message chime.

let audio: AudioContext | undefined;

/// Browsers only let audio start from a user gesture: create the context then.
export function unlockAudio() {
  if ((navigator as { userActivation?: { isActive: boolean } }).userActivation?.isActive === false) return;
  try {
    const C = window.AudioContext || (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
    audio ??= C && new C();
    void audio?.resume();
  } catch {
    // no audio
  }
}

/// A short two-tone chime, synthesised (no audio file).
export function beep() {
  try {
    unlockAudio();
    if (!audio) return;
    const now = audio.currentTime;
    [880, 1320].forEach((f, i) => {
      const o = audio!.createOscillator();
      const g = audio!.createGain();
      o.frequency.value = f;
      const t = now + i * 0.12;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.08, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
      o.connect(g).connect(audio!.destination);
      o.start(t);
      o.stop(t + 0.22);
    });
  } catch {
    // no audio
  }
}
