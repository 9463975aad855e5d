import { render } from "preact";
render(<p>Shoptalk</p>, document.getElementById("root")!);
