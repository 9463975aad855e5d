export {};
console.log("widget");
