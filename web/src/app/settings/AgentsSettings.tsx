import { useEffect, useState } from "preact/hooks";
import type { Agent, Role } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { agents, presence } from "../state/presence";
import { me } from "../state/session";
import { PresenceDot } from "../ui/Avatar";
import { CopyButton } from "../ui/CopyButton";
import { toast } from "../ui/toast";
import { Field, generatePassword } from "./common";

export function AgentsSettings() {
  const [list, setList] = useState<Agent[]>(agents.value);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState({ name: "", email: "", role: "agent" as Role });
  const [created, setCreated] = useState<{ agent: Agent; password: string } | null>(null);
  const load = () => ep.listAgents().then((a) => ((agents.value = a), setList(a)), (e) => setError(errorText(e)));
  useEffect(() => void load(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!invite.name.trim() || !/^[^@\s]+@[^@\s]+$/.test(invite.email.trim())) {
      setError("Enter a name and a valid email address.");
      return;
    }
    const password = generatePassword();
    try {
      const agent = await ep.createAgent({ name: invite.name.trim(), email: invite.email.trim(), role: invite.role, password });
      setCreated({ agent, password });
      setInvite({ name: "", email: "", role: "agent" });
      void load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const update = async (a: Agent, patch: { role?: Role; active?: boolean }) => {
    try {
      await ep.patchAgent(a.id, patch);
      toast(patch.active === false ? `${a.name} deactivated.` : patch.active ? `${a.name} reactivated.` : `${a.name} is now ${patch.role}.`);
      void load();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  const owner = me.value?.role === "owner";
  return (
    <section>
      <h1>Agents</h1>
      <p class="lead">Who answers your customers.</p>
      {created && (
        <div class="card" role="alert">
          <h2>{created.agent.name} can sign in now</h2>
          <p class="muted">Send them this temporary password (shown once); they can change it under Settings → Account.</p>
          <div class="secret-box">
            <code data-testid="invite-password">{created.password}</code>
            <CopyButton
              text={`Email: ${created.agent.email}\nPassword: ${created.password}\nSign in at ${location.origin}/app`}
              what="Sign-in details copied"
              label="Copy sign-in details"
            />
          </div>
          <button class="btn" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <form class="card" onSubmit={submit}>
        <h2>Invite an agent</h2>
        <div class="form-row">
          <Field label="Name">
            <input value={invite.name} onInput={(e) => setInvite({ ...invite, name: e.currentTarget.value })} data-testid="invite-name" />
          </Field>
          <Field label="Email">
            <input type="email" value={invite.email} onInput={(e) => setInvite({ ...invite, email: e.currentTarget.value })} data-testid="invite-email" />
          </Field>
          <Field label="Role">
            <select value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.currentTarget.value as Role })}>
              <option value="agent">Agent</option>
              <option value="admin">Admin</option>
              {owner && <option value="owner">Owner</option>}
            </select>
          </Field>
          <button class="btn btn-primary" type="submit" data-testid="invite-submit">
            Invite
          </button>
        </div>
        {error && <p class="form-error">{error}</p>}
      </form>
      <div class="card">
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.id}>
                <td class="cell-fill">
                  <div class="cell-line" title={a.name}>
                    <PresenceDot status={presence.value[a.id]} />
                    <span class="trunc">{a.name}</span>
                    {a.id === me.value?.id && <span class="muted small">(you)</span>}
                  </div>
                </td>
                <td class="cell-fill">
                  <span class="trunc" title={a.email}>
                    {a.email}
                  </span>
                </td>
                <td>
                  <select value={a.role} disabled={a.id === me.value?.id} onChange={(e) => void update(a, { role: e.currentTarget.value as Role })} aria-label={`Role of ${a.name}`}>
                    <option value="agent">Agent</option>
                    <option value="admin">Admin</option>
                    {(owner || a.role === "owner") && <option value="owner">Owner</option>}
                  </select>
                </td>
                <td>{a.active ? <span class="pill pill-ok">Active</span> : <span class="pill pill-muted">Deactivated</span>}</td>
                <td class="col-actions">
                  {a.id !== me.value?.id &&
                    (a.active ? (
                      <button class="btn btn-sm btn-danger" onClick={() => void update(a, { active: false })}>
                        Deactivate
                      </button>
                    ) : (
                      <button class="btn btn-sm" onClick={() => void update(a, { active: true })}>
                        Reactivate
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
