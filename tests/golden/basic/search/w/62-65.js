SITEGEN_SEARCH_CHUNK("w/62-65",{"be":"3","been":"2","before":"0","below":"0","better":"3"});
