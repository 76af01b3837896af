export * as aws from "./aws";
export * as azure from "./azure";
export * from "./regions/catalogue";
export * from "./topology/load";
export * from "./topology/mechanisms";
export * from "./topology/model";
export * from "./topology/problems";
export * from "./topology/schema";
export * from "./topology/validate";
