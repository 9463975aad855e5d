import { render } from "preact";
import { App } from "./App";
import { startApp } from "./state/boot";
import "../shared/render/render.css";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/inbox.css";
import "./styles/conversation.css";
import "./styles/settings.css";
import "./styles/commerce.css";

startApp();
render(<App />, document.getElementById("root")!);
